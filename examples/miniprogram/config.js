// Your GenAuth application. `host` defaults to https://core.genauth.ai; the demo
// (../run-demo.js) points it at the local emulator instead.
module.exports = {
  appId: 'GEN_AUTH_APP_ID'
};
