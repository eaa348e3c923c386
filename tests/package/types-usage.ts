// Compiled (not run) by types.test.js against pkg/index.d.ts: what a TypeScript mini
// program writes must type-check, and misuse must not.
import { AuthenticationClient, GenAuthError, ErrorCode, User, LoginStatus, VERSION } from 'genauth-wxapp-sdk';

async function page(): Promise<void> {
  const genauth = new AuthenticationClient({ appId: 'GEN_AUTH_APP_ID', lang: 'en-US', timeout: 5000 });
  const bare = new AuthenticationClient('GEN_AUTH_APP_ID');
  await bare.ready();
  const user: User = await genauth.loginByCode();
  const again: User = await genauth.loginByCode('081abc', { iv: 'x', encryptedData: 'y' });
  const fromResult: User = await genauth.loginByCode({ code: '081abc' });
  const current: User | null = await genauth.getCurrentUser();
  const offline: User | null = await genauth.getCurrentUser({ cached: true });
  void offline;
  const status: LoginStatus = await genauth.checkLoginStatus();
  const token: string | null = await genauth.getToken();
  await genauth.logout();
  const id: string = user.id;
  const nick: string | null | undefined = again.nickname;
  const version: string = VERSION;
  void [fromResult, current, status.status, token, id, nick, version];
  try {
    await genauth.getCurrentUser();
  } catch (e) {
    const error = e as GenAuthError;
    const code: ErrorCode = error.code;
    const server: number | undefined = error.serverCode;
    if (e instanceof GenAuthError && code === 'SESSION_EXPIRED') void server;
  }
  // @ts-expect-error appId is required
  new AuthenticationClient({ host: 'https://core.genauth.ai' });
  // @ts-expect-error unknown option
  new AuthenticationClient({ appId: 'a', appid: 'b' });
  // @ts-expect-error only zh-CN and en-US
  new AuthenticationClient({ appId: 'a', lang: 'fr' });
  // @ts-expect-error cached is a boolean
  await genauth.getCurrentUser({ cached: 'yes' });
  // @ts-expect-error not an error code
  const wrong: ErrorCode = 'OOPS';
  void wrong;
}
void page;
