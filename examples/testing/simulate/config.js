// Where the component's client points: the test sets these to the emulator's.
module.exports = { appId: 'GEN_AUTH_APP_ID', host: 'https://core.genauth.ai' };
