// Compiled (not run) by types.test.js against pkg/index.d.ts: what a TypeScript mini
// program writes must type-check, and misuse must not.
import {
  AuthenticationClient,
  GenAuthError,
  ErrorCode,
  User,
  LoginStatus,
  VERSION,
  PhoneInfo,
  GetPhoneNumberDetail,
  CommonMessage,
  PasswordStrength,
  PasswordSecurityLevel,
  RefreshTokenResult,
  SecurityLevel,
  Paginated,
  ApplicationPublicDetail,
  AuthorizedResource,
  UserDefinedData,
  UdfValue,
  UserOrgList,
} from 'genauth-wxapp-sdk';

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
  // WeChat: the phone button's e.detail, or authing-wxapp-sdk's three strings.
  const detail: GetPhoneNumberDetail = { errMsg: 'getPhoneNumber:ok', iv: 'iv', encryptedData: 'data' };
  const byPhone: User = await genauth.loginByPhone(detail);
  const byPhoneV4: User = await genauth.loginByPhone('081abc', 'iv', 'data');
  const phone: PhoneInfo = await genauth.getPhone(detail);
  const phoneV4: PhoneInfo = await genauth.getPhone('081abc', 'iv', 'data');
  const pure: string = phone.purePhoneNumber;
  const avatar: User = await genauth.updateAvatar('http://tmp/avatar.png');
  const picked: User = await genauth.updateAvatar();
  void [byPhone, byPhoneV4, phoneV4, pure, avatar, picked];
  // A button event as WeChat's own typings describe it is accepted as is.
  type WechatPhoneDetail = { errMsg: string; iv: string; encryptedData: string; code: string; cloudID?: string };
  const onPhone = (e: { detail: WechatPhoneDetail }) => genauth.loginByPhone(e.detail);
  void onPhone;

  // Login and registration with a GenAuth account.
  const withOptions = new AuthenticationClient({
    appId: 'GEN_AUTH_APP_ID',
    appHost: 'https://example.genauth.ai',
    publicKey: '-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----',
    onError: (code: number, message: string, data: unknown) => void [code, message, data],
    protocol: 'oidc',
    secret: 'ignored',
    redirectUri: 'https://example.com/cb',
    tokenEndPointAuthMethod: 'client_secret_post',
    introspectionEndPointAuthMethod: 'none',
    revocationEndPointAuthMethod: 'client_secret_basic',
    requestFrom: 'sdk',
    encryptFunction: async (text: string, key: string) => text + key,
    domain: 'example.genauth.ai',
    websocketHost: 'wss://ws.example.com',
  });
  const e1: User = await withOptions.loginByEmail('a@example.com', 'pw', { autoRegister: true, captchaCode: 'abcd' });
  const e2: User = await genauth.loginByUsername('alice', 'pw', { customData: { school: 'THU' }, context: { from: 'wx' } });
  const e3: User = await genauth.loginByPhoneCode('13800000000', '1234', { phoneCountryCode: '+86', clientIp: '1.2.3.4' });
  const e4: User = await genauth.loginByPhonePassword('13800000000', 'pw', { params: [{ key: 'k', value: 1 }] });
  const profile = { nickname: 'Nick', udf: [{ key: 'k', value: 'v' }] };
  const r1: User = await genauth.registerByEmail('a@example.com', 'pw', profile, { generateToken: true });
  const r2: User = await genauth.registerByUsername('alice', 'pw');
  const r3: User = await genauth.registerByPhoneCode('13800000000', '1234', undefined, profile, { forceLogin: true });
  const sms: CommonMessage = await genauth.sendSmsCode('13800000000', '+86');
  const mail: CommonMessage = await genauth.sendEmail('a@example.com', 'RESET_PASSWORD');
  const reset1: CommonMessage = await genauth.resetPasswordByPhoneCode('13800000000', '1234', 'new-pw', '+86');
  const reset2: CommonMessage = await genauth.resetPasswordByEmailCode('a@example.com', '1234', 'new-pw');
  const strength: PasswordStrength = await genauth.checkPasswordStrength('passw0rd');
  const level: PasswordSecurityLevel = genauth.computedPasswordSecurityLevel('passw0rd');
  void [e1, e2, e3, e4, r1, r2, r3, sms.code, mail.message, reset1, reset2, strength.valid, level];

  // The account.
  const p1: User = await genauth.updateProfile({ nickname: 'Nick', photo: null, loginsCount: 3 });
  const p2: User = await genauth.updatePassword('newPassw0rd', 'passw0rd');
  const p3: User = await genauth.updatePhone('13800000001', '1234', '13800000000', '5678');
  const p4: User = await genauth.updateEmail('b@example.com', '1234');
  const p5: User = await genauth.bindPhone('13800000000', '1234', '+86');
  const p6: User = await genauth.unbindPhone();
  const p7: User = await genauth.bindEmail('a@example.com', '1234');
  const p8: User = await genauth.unbindEmail();
  const linked: CommonMessage = await genauth.linkAccount({ primaryUserToken: 'a', secondaryUserToken: 'b' });
  const unlinked: CommonMessage = await genauth.unLinkAccount({ primaryUserToken: 'a', provider: 'wechat:pc' });
  const fresh: RefreshTokenResult = await genauth.refreshToken();
  const orgs: UserOrgList = await genauth.listOrgs();
  const apps: Paginated<ApplicationPublicDetail> = await genauth.listApplications({ page: 2, limit: 20 });
  const resources: Paginated<AuthorizedResource> = await genauth.listAuthorizedResources('default', {
    resourceType: 'API',
  });
  const security: SecurityLevel = await genauth.getSecurityLevel();
  const admin: boolean = await genauth.hasRole('admin', 'default');
  void [p1, p2, p3, p4, p5, p6, p7, p8, linked, unlinked, fresh.exp, orgs, apps.list[0].name];
  void [resources.totalCount, security.score, admin];

  // Custom fields.
  const fields: UserDefinedData[] = await genauth.listUdv();
  const set: UserDefinedData[] = await genauth.setUdv('school', 'THU');
  const removed: UserDefinedData[] = await genauth.removeUdv('school');
  const values: Record<string, UdfValue> = await genauth.getUdfValue();
  const none: void = await genauth.setUdfValue({ school: 'THU', age: 20 });
  await genauth.removeUdfValue('school');
  void [fields[0].dataType, set, removed, values, none];

  // @ts-expect-error the phone methods take three strings or e.detail
  await genauth.loginByPhone('081abc', 'iv');
  // @ts-expect-error e.detail alone, no extra arguments
  await genauth.getPhone(detail, 'iv');
  // @ts-expect-error not an email scene
  await genauth.sendEmail('a@example.com', 'LOGIN');
  // @ts-expect-error the password is changed with updatePassword
  await genauth.updateProfile({ password: 'x' });
  // @ts-expect-error computedPasswordSecurityLevel is synchronous
  await genauth.computedPasswordSecurityLevel('x').then(() => undefined);
  // @ts-expect-error phoneCountryCode is for loginByPhoneCode only
  await genauth.loginByEmail('a@example.com', 'x', { phoneCountryCode: '+86' });
  // @ts-expect-error not a resource type
  await genauth.listAuthorizedResources('default', { resourceType: 'PAGE' });
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
