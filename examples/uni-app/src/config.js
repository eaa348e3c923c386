// Your GenAuth application. `host` defaults to https://core.genauth.ai. The test
// (tests/frameworks/uni-app.test.js) builds with VITE_GENAUTH_HOST set to point the app at
// the bundled emulator; Vite replaces import.meta.env.VITE_* at build time.
const config = { appId: 'GEN_AUTH_APP_ID' };
if (import.meta.env.VITE_GENAUTH_HOST) config.host = import.meta.env.VITE_GENAUTH_HOST;

export default config;
