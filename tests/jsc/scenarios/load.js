// Loading the core: the default path after "build npm", a wrong wasmPath (WASM_LOAD_FAILED, and
// the failure is not cached), and a WXWebAssembly that resolves to a bare Instance.
var h = require('jsc-harness');
var sdk = require('genauth-wxapp-sdk');
var AuthenticationClient = sdk.AuthenticationClient;

h.run(async function () {
  var c = h.config;
  var wrong = new AuthenticationClient({ appId: c.appId, host: c.host, wasmPath: '/miniprogram_npm/genauth-wxapp-sdk/nope.wasm.br' });
  var error = await h.rejectsWith('a wasmPath that is not in the package rejects ready() with WASM_LOAD_FAILED', wrong.ready(), 'WASM_LOAD_FAILED');
  h.check('WASM_LOAD_FAILED is a GenAuthError', error instanceof sdk.GenAuthError, h.errorInfo(error));
  await h.rejectsWith('methods of that client reject with WASM_LOAD_FAILED too', wrong.getToken(), 'WASM_LOAD_FAILED');

  // Some base libraries resolve WXWebAssembly.instantiate to the Instance itself.
  h.setWasmResultShape('instance');
  var client = new AuthenticationClient({ appId: c.appId, host: c.host });
  await client.ready();
  h.check('after a failed load the next client loads the core (the failure was not cached)', true);
  var calls = h.instantiateCalls();
  h.checkEqual('the core is loaded from /miniprogram_npm/genauth-wxapp-sdk/core.wasm.br', calls[calls.length - 1], '/miniprogram_npm/genauth-wxapp-sdk/core.wasm.br');
  var user = await client.loginByCode(h.emulator.mintCode(c.wechatAppId, h.person('grace')));
  h.check('with an Instance-shaped result login works', user && typeof user.id === 'string', user);

  var third = new AuthenticationClient({ appId: c.otherAppId, host: c.host });
  await third.ready();
  h.checkEqual('the core is instantiated once and shared by later clients', h.instantiateCalls().length, calls.length);
});
