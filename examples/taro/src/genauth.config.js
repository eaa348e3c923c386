// Your GenAuth application. `host` defaults to https://core.genauth.ai; set GENAUTH_HOST when
// building (config/index.js passes it in) to use another one, e.g. the local emulator.
const config = { appId: 'GEN_AUTH_APP_ID' }
if (process.env.GENAUTH_HOST) config.host = process.env.GENAUTH_HOST

export default config
