#!/usr/bin/env bash
# Builds the npm package in pkg/ (and, with an argument, runs the demo or every test).
#
#   ./build.sh        set up the toolchain if needed, build pkg/
#   ./build.sh demo   ... then walk examples/miniprogram's pages against the local emulator
#   ./build.sh test   ... every test: fmt, clippy, cargo test, wasm-pack test, node --test
#   ./build.sh trap   ... and target/pkg-trap/, the trap tests' package (test makes it too)
#
# Setup is idempotent and only uses rustup and the package registries.
set -eu
cd "$(dirname "$0")"
ROOT=$(pwd)
MODE=${1:-build}

say() { printf '\n== %s\n' "$*"; }

# The nightly that builds the shipped wasm (-Zbuild-std), pinned by date so a new nightly
# never changes the artifact unannounced. The one place it is named: tests/run-all.sh reads
# these two lines (exported here, or read from this file when it runs alone).
NIGHTLY=nightly-2026-05-19
WASM_RUSTFLAGS="-Ctarget-cpu=mvp -Ctarget-feature=+mutable-globals -Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none"
export NIGHTLY WASM_RUSTFLAGS

# --- 1. toolchain -------------------------------------------------------------------------
say "toolchain"
export PATH="$HOME/.cargo/bin:$PATH"
command -v rustup >/dev/null || { echo "rustup is required" >&2; exit 1; }
# The native toolchain builds tests; nightly builds the MVP wasm with -Zbuild-std.
rustup target list --installed | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown
if ! rustup toolchain list | grep -q "^$NIGHTLY-"; then
  rustup toolchain install "$NIGHTLY" --profile minimal --component rust-src
fi
rustup component list --toolchain "$NIGHTLY" --installed | grep -q '^rust-src' \
  || rustup component add rust-src --toolchain "$NIGHTLY"
for component in rustfmt clippy; do
  rustup component list --installed | grep -q "^$component" || rustup component add "$component"
done
# wasm-bindgen-cli must be exactly the version in Cargo.lock.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$WB_VERSION" ] || { echo "wasm-bindgen is missing from Cargo.lock" >&2; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  # Not --locked: its lock file names crate versions the registry may not serve yet.
  cargo install wasm-bindgen-cli --version "=$WB_VERSION"
fi
HAVE_WB=$(wasm-bindgen --version | awk '{print $2}')
[ "$HAVE_WB" = "$WB_VERSION" ] || { echo "wasm-bindgen $HAVE_WB on PATH, Cargo.lock wants $WB_VERSION" >&2; exit 1; }
if [ "$MODE" = test ] && ! command -v wasm-pack >/dev/null; then
  cargo install wasm-pack --locked
fi
# npm dev dependencies (binaryen's wasm-opt, esbuild, acorn) from package-lock.json.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/esbuild ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
WASM_OPT="$ROOT/node_modules/.bin/wasm-opt"
MVP="--strip-target-features --mvp-features --enable-mutable-globals"

# --- 2.-5. the package: build_package TARGET_DIR FEATURES OUT PKG ---------------------------
# Builds the wasm in TARGET_DIR with FEATURES (none for the shipped package), post-processes
# it in OUT and assembles the npm package in PKG. The shipped one is pkg/; `test` also makes
# target/pkg-trap/, the same package with the test-only trap switch (src/wasm.rs).
build_package() {
  TARGET_DIR=$1 FEATURES=$2 OUT=$3 PKG=$4
  # --- 2. the wasm: MVP + mutable-globals only (older iOS engines reject newer features) -----
  say "wasm ($NIGHTLY, -Ctarget-cpu=mvp, -Zbuild-std${FEATURES:+, $FEATURES})"
  # shellcheck disable=SC2086 # FEATURES: no words, or two
  RUSTFLAGS="$WASM_RUSTFLAGS" \
    cargo +"$NIGHTLY" build --quiet -Zbuild-std=std,panic_abort --release $FEATURES \
    --target wasm32-unknown-unknown --target-dir "$TARGET_DIR"
  rm -rf "$OUT" && mkdir -p "$OUT"
  wasm-bindgen --target no-modules --no-typescript --out-dir "$OUT" --out-name core \
    "$TARGET_DIR/wasm32-unknown-unknown/release/genauth_wxapp_sdk.wasm"

  # --- 3. no exported globals (iOS does not support them), then size optimisation ----------
  # The target_features section re-enables what it lists when binaryen reads a module, even
  # with --mvp-features in the same run; so strip it in one run and work without it after.
  "$WASM_OPT" "$OUT/core_bg.wasm" $MVP -o "$OUT/core.wasm"
  GLOBALS=$(node js-shim/build/wasm-exports.js "$OUT/core.wasm" global)
  for global in $GLOBALS; do
    "$WASM_OPT" "$OUT/core.wasm" $MVP --remove-exports --pass-arg="remove-exports@$global" -o "$OUT/core.wasm"
  done
  "$WASM_OPT" "$OUT/core.wasm" $MVP -Oz --converge --strip-producers -o "$OUT/core.wasm"
  # Check, on the section-free module: it validates as MVP + mutable-globals (a second run, so
  # nothing re-enables a feature) and exports no global.
  "$WASM_OPT" "$OUT/core.wasm" $MVP -o /dev/null
  [ -z "$(node js-shim/build/wasm-exports.js "$OUT/core.wasm" global)" ] || { echo "wasm exports a global" >&2; exit 1; }

  # --- 4. Brotli (WXWebAssembly loads .wasm.br from base library 2.14.0) ---------------------
  node -e '
  const fs = require("fs"), zlib = require("zlib");
  const raw = fs.readFileSync(process.argv[1]);
  fs.writeFileSync(process.argv[2], zlib.brotliCompressSync(raw, { params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }));
  ' "$OUT/core.wasm" "$OUT/core.wasm.br"

  # --- 5. assemble pkg/ from pkg-template/ and js-shim/ -------------------------------------
  say "$PKG/"
  VERSION=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
  DIST=$PKG/miniprogram_dist
  rm -rf "$PKG" && mkdir -p "$DIST"
  cp pkg-template/README.md pkg-template/index.d.ts "$PKG/"
  sed "s/__VERSION__/$VERSION/" pkg-template/package.json > "$PKG/package.json"
  for file in js-shim/*.js; do
    sed "s/__VERSION__/$VERSION/" "$file" > "$DIST/$(basename "$file")"
  done
  {
    echo "'use strict';"
    echo "// Generated by wasm-bindgen $WB_VERSION (--target no-modules); wrapped by build.sh into a"
    echo "// factory so that WebAssembly, TextEncoder and TextDecoder are parameters, not globals."
    echo "module.exports = function createBindings(WebAssembly, TextEncoder, TextDecoder) {"
    cat "$OUT/core.js"
    echo "return wasm_bindgen;"
    echo "};"
  } > "$DIST/core.js"
  node js-shim/build/patch-glue.js "$DIST/core.js"
  # esbuild lowers to ES2017 and minifies, file by file (the package counts toward the mini
  # program's 2 MB main package); the entry file names the readable source. Then every
  # shipped file must parse as ES2017 (acorn), whatever esbuild did.
  node js-shim/build/minify.js "$DIST" \
    "/*! genauth-wxapp-sdk $VERSION, MIT. Source: js-shim/ and src/ of the repository. */"
  cp "$OUT/core.wasm.br" "$DIST/"
  node js-shim/build/check-es2017.js "$DIST"
  # The testing kit (require('genauth-wxapp-sdk/testing')): Node only, outside the
  # `miniprogram` folder, so it never reaches a code package.
  mkdir -p "$PKG/testing"
  node js-shim/build/bundle-testing.js "$PKG/testing/index.js" \
    "/*! genauth-wxapp-sdk $VERSION testing kit (Node only), MIT. Source: js-shim/testing/ and tests/emulator/ of the repository. */"
  cp pkg-template/testing.d.ts "$PKG/testing/index.d.ts"
  node js-shim/build/check-es2017.js "$PKG/testing"

  size() { wc -c < "$1" | tr -d ' '; }
  printf '\n%-34s %10s\n' artifact bytes
  printf '%-34s %10s\n' "core.wasm (after wasm-opt -Oz)" "$(size "$OUT/core.wasm")"
  for file in "$DIST"/*; do printf '%-34s %10s\n' "${file#"$PKG"/}" "$(size "$file")"; done
  printf '%-34s %10s\n' "miniprogram_dist total" "$(cat "$DIST"/* | wc -c | tr -d ' ')"
}

build_package target/wasm-mvp "" "$ROOT/target/pkg-build" pkg

# --- 6. what else was asked for -----------------------------------------------------------
case "$MODE" in
  build) ;;
  demo) say "demo"; node examples/run-demo.js ;;
  test|trap)
    # The trap tests' package: the same build with the trap switch, in its own target dir
    # (a feature change would otherwise rebuild the shipped one each time).
    build_package target/wasm-trap "--features trap-switch" "$ROOT/target/pkg-trap-build" target/pkg-trap
    [ "$MODE" = trap ] || exec bash tests/run-all.sh ;;
  *) echo "unknown mode $MODE (use: build, demo, test, trap)" >&2; exit 2 ;;
esac
