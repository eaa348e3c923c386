import { AuthenticationClient, GenAuthError } from 'genauth-wxapp-sdk';

/** What `getApp<IAppOption>()` returns in this mini program. */
export interface IAppOption {
  /** One client for the whole mini program; every page uses it. */
  genauth: AuthenticationClient;
}

App<IAppOption>({
  genauth: new AuthenticationClient({ appId: 'GEN_AUTH_APP_ID', lang: 'zh-CN', timeout: 10000 }),

  onLaunch() {
    // Optional: load the wasm core early so the first tap is fast.
    this.genauth.ready().catch((error: unknown) => {
      if (error instanceof GenAuthError) {
        // INVALID_OPTIONS (a wrong appId or host) or WASM_LOAD_FAILED (base library < 2.14.0,
        // or "build npm" not run).
        console.error('GenAuth could not start:', error.code, error.message);
      }
    });
  },
});
