'use strict';
// Prints the names of a wasm module's exports of one kind (function, memory, table, global).
// Usage: node js-shim/build/wasm-exports.js FILE KIND
const fs = require('fs');
const [file, kind] = process.argv.slice(2);
if (!file || !kind) {
  console.error('usage: wasm-exports.js FILE KIND');
  process.exit(2);
}
const wasmModule = new WebAssembly.Module(fs.readFileSync(file));
for (const entry of WebAssembly.Module.exports(wasmModule)) {
  if (entry.kind === kind) console.log(entry.name);
}
