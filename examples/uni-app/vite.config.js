import fs from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig } from 'vite';
import uni from '@dcloudio/vite-plugin-uni';

const require = createRequire(import.meta.url);

// genauth-wxapp-sdk's JavaScript is bundled by Vite like any npm package, but its wasm core is
// a file WeChat loads from the code package (WXWebAssembly.instantiate(path)). This plugin puts
// the installed package's core.wasm.br into the build output at the path the SDK loads by
// default, /miniprogram_npm/genauth-wxapp-sdk/core.wasm.br, so the client needs no `wasmPath`,
// and the wasm always comes from the same installed version as the JavaScript.
function genauthWasm() {
  const source = require.resolve('genauth-wxapp-sdk/miniprogram_dist/core.wasm.br');
  return {
    name: 'genauth-wasm',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'miniprogram_npm/genauth-wxapp-sdk/core.wasm.br',
        source: fs.readFileSync(source),
      });
    },
  };
}

export default defineConfig({
  plugins: [uni(), genauthWasm()],
});
