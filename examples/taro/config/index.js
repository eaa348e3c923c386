import { defineConfig } from '@tarojs/cli'

// Where `taro build` writes the mini program (WeChat DevTools opens it: project.config.json's
// miniprogramRoot). The repository's test builds into a cache folder instead.
const outputRoot = process.env.TARO_OUTPUT_ROOT || 'dist'

// https://docs.taro.zone/docs/config
export default defineConfig(async () => ({
  projectName: 'genauth-taro-example',
  date: '2026-12-2',
  designWidth: 750,
  deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
  sourceRoot: 'src',
  outputRoot,
  plugins: [],
  // The GenAuth host, read by src/genauth.config.js ('' = https://core.genauth.ai).
  env: { GENAUTH_HOST: JSON.stringify(process.env.GENAUTH_HOST || '') },
  defineConstants: {},
  copy: {
    patterns: [
      // genauth-wxapp-sdk loads its wasm from this code-package path by default
      // (/miniprogram_npm/genauth-wxapp-sdk/core.wasm.br): Taro bundles the JS, this puts the wasm there.
      {
        from: 'node_modules/genauth-wxapp-sdk/miniprogram_dist/core.wasm.br',
        to: `${outputRoot}/miniprogram_npm/genauth-wxapp-sdk/core.wasm.br`
      }
    ],
    options: {}
  },
  framework: 'react',
  compiler: 'webpack5',
  cache: { enable: false },
  mini: {
    postcss: {
      pxtransform: { enable: true, config: {} },
      cssModules: { enable: false }
    }
  }
}))
