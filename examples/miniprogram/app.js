const { AuthenticationClient } = require('genauth-wxapp-sdk');
const config = require('./config.js');
const { lang } = require('./i18n.js');

App({
  // One client for the whole mini program; pages reach it with getApp().genauth. With `lang`,
  // its error messages come in the user's language.
  genauth: new AuthenticationClient(Object.assign({ lang }, config)),

  onLaunch() {
    // Optional: load the wasm core early so the first tap is fast.
    this.genauth.ready().catch((error) => {
      console.error('GenAuth could not start:', error.code, error.message);
    });
  }
});
