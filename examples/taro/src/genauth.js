import { AuthenticationClient } from 'genauth-wxapp-sdk'
import config from './genauth.config'

// One client for the whole mini program. The wasm core is found at its default path,
// /miniprogram_npm/genauth-wxapp-sdk/core.wasm.br (config/index.js copies it there).
export const genauth = new AuthenticationClient(config)
