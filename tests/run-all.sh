#!/usr/bin/env bash
# Every test, in layers. `./build.sh test` runs this after building pkg/ (the package tests
# load the built package).
set -eu
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --check

step "cargo clippy -D warnings (native and wasm32)"
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown --all-targets -- -D warnings

step "cargo test (core unit tests and flow tests)"
cargo test

step "wasm-pack test --node (boundary tests)"
wasm-pack test --node

# JavaScriptCore, the engine of iOS WeChat (tests/jsc runs the package in it).
if ! command -v jsc >/dev/null 2>&1; then
  step "installing JavaScriptCore (Debian libjavascriptcoregtk-4.0-bin)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libjavascriptcoregtk-4.0-bin >/dev/null
fi

step "node --test (emulator, sandbox, package in the WeChat sandbox, JavaScriptCore)"
node --test tests/
