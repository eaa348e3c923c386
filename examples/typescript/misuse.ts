// Deliberate misuses of genauth-wxapp-sdk, one per line, each marked with a trailing
// `// misuse: <what>` comment. Not part of the mini program (tsconfig.json excludes it):
// tests/package/types.test.js compiles it with the example's settings and requires at least
// one error on every marked line and none on any other line, so a misuse that starts to
// compile (typings grown too loose) fails the test, as does a mistake in the setup lines.
import { AuthenticationClient, ErrorCode, GenAuthError, LoginStatus, User } from 'genauth-wxapp-sdk';

const genauth = new AuthenticationClient({ appId: 'GEN_AUTH_APP_ID' });

// ---- The constructor ------------------------------------------------------------------
new AuthenticationClient({ host: 'https://core.genauth.ai' }); // misuse: no appId
new AuthenticationClient({ appId: 'GEN_AUTH_APP_ID', appid: 'x' }); // misuse: an unknown option (appid)
new AuthenticationClient({ appId: 'GEN_AUTH_APP_ID', timeout: '10' }); // misuse: timeout as a string
new AuthenticationClient({ appId: 'GEN_AUTH_APP_ID', lang: 'en' }); // misuse: a lang other than zh-CN / en-US
new AuthenticationClient({ appId: 'GEN_AUTH_APP_ID', onError: (code: string) => console.log(code) }); // misuse: onError's code is a number
new AuthenticationClient(20210101); // misuse: the app id as a number
new AuthenticationClient(); // misuse: no options at all

export async function misuses(
  phone: WechatMiniprogram.ButtonGetPhoneNumber,
  avatar: WechatMiniprogram.CustomEvent<{ avatarUrl: string }>,
): Promise<void> {
  // ---- WeChat ---------------------------------------------------------------------------
  await genauth.loginByCode(123); // misuse: a number for a code
  await genauth.loginByCode('081abc', { iv: 1, encryptedData: 'data' }); // misuse: iv as a number
  await genauth.loginByWechat(); // misuse: a method that does not exist
  await genauth.loginByPhone(phone.detail.code); // misuse: a string where e.detail is expected
  await genauth.loginByPhone(phone); // misuse: the whole event instead of e.detail
  await genauth.loginByPhone('081abc', phone.detail.iv); // misuse: two of the three strings
  await genauth.getPhone(phone.detail, 'iv'); // misuse: e.detail with an extra argument
  await genauth.updateAvatar(avatar.detail); // misuse: chooseAvatar's detail instead of its avatarUrl

  // ---- What the calls resolve -------------------------------------------------------------
  const pending = genauth.loginByCode();
  console.log(pending.nickname); // misuse: the promise, not awaited, used as the user
  const user: User = await genauth.loginByCode();
  const status: LoginStatus = await genauth.loginByCode(); // misuse: loginByCode resolves a User, not a LoginStatus
  console.log((await genauth.loginByCode()).user.id); // misuse: it resolves the user itself, not { user }
  const id: number = user.id; // misuse: the user id is a string
  const token: string = user.token; // misuse: token may be null or absent
  const current = await genauth.getCurrentUser();
  console.log(current.nickname); // misuse: getCurrentUser resolves null when nobody is logged in
  const stored: string = await genauth.getToken(); // misuse: getToken resolves null when logged out
  const sync: string | null = genauth.getToken(); // misuse: getToken returns a promise
  void [status, id, token, stored, sync];

  // ---- The account and custom fields ------------------------------------------------------
  await genauth.updateProfile({ nickname: 42 }); // misuse: a number for nickname
  await genauth.updateProfile({ nickName: 'Nick' }); // misuse: an unknown key (nickName)
  await genauth.updateProfile({ password: 'passw0rd' }); // misuse: the password goes through updatePassword
  await genauth.updateProfile('Nick'); // misuse: a string instead of the updates object
  await genauth.setUdv({ school: 'THU' }); // misuse: setUdv takes (key, value)
  await genauth.setUdfValue('school', 'THU'); // misuse: setUdfValue takes one { key: value } object
  await genauth.sendEmail('a@example.com', 'LOGIN'); // misuse: not an email scene
  await genauth.listAuthorizedResources('default', { resourceType: 'PAGE' }); // misuse: not a resource type
  await genauth.getCurrentUser({ cached: 'yes' }); // misuse: cached is a boolean
  await genauth.logout(true); // misuse: logout takes no argument
  genauth.computedPasswordSecurityLevel(12345678); // misuse: computedPasswordSecurityLevel on a number
  await genauth.computedPasswordSecurityLevel('passw0rd').then(console.log); // misuse: it is synchronous
  const level = genauth.computedPasswordSecurityLevel('passw0rd');
  if (level === 4) console.log('strong'); // misuse: there is no level 4

  // ---- Errors -----------------------------------------------------------------------------
  try {
    await genauth.logout();
  } catch (error) {
    console.log(error.code); // misuse: a caught error is unknown until narrowed
    if (error instanceof GenAuthError) {
      if (error.code === 'NOT_A_CODE') console.log('never'); // misuse: comparing code with a code that does not exist
      if (error.code === 'network_error') console.log('never'); // misuse: codes are upper case
      switch (error.code) { case 'LOGGED_OUT': break; default: break; } // misuse: a case that is not a code
      const server: number = error.serverCode; // misuse: serverCode is absent when the server sent none
      if (error.retryable === 'true') console.log('retry'); // misuse: retryable is a boolean
      const code: 'TIMEOUT' = error.code; // misuse: code not narrowed to TIMEOUT
      void [server, code];
    }
  }
  const unknownCode: ErrorCode = 'OOPS'; // misuse: not an error code
  void unknownCode;
  throw new GenAuthError({ code: 'OOPS', message: 'x' }); // misuse: constructing an error with a code that does not exist
}
