// Type definitions for genauth-wxapp-sdk.

/** Options of {@link AuthenticationClient}. Unknown keys are rejected (`INVALID_OPTIONS`). */
export interface AuthenticationClientOptions {
  /** The GenAuth application id (required). */
  appId: string;
  /**
   * The GenAuth server for the mini-program login endpoints. Default `https://core.genauth.ai`.
   * Must be `https://` (plain `http://` is accepted only for localhost / 127.x / [::1]).
   */
  host?: string;
  /** The application's own domain, used for GraphQL and account calls. Default: `host`. */
  appHost?: string;
  /** The user pool id, sent as `x-authing-userpool-id`. */
  userPoolId?: string;
  /** Request timeout in milliseconds, 1–600000. Default 10000. */
  timeout?: number;
  /** Language of error messages (also sent to GenAuth). Default `zh-CN`. */
  lang?: 'zh-CN' | 'en-US';
  /** A token to start with, used only when no session is stored yet. */
  token?: string;
  /**
   * Where the `.wasm.br` lives in the code package. Default
   * `/miniprogram_npm/genauth-wxapp-sdk/core.wasm.br` (where "build npm" puts it). In Node, a
   * file path.
   */
  wasmPath?: string;
  /**
   * The application's RSA public key (SPKI PEM, `-----BEGIN PUBLIC KEY-----…`) used to encrypt
   * passwords. Without it the client fetches it from `{appHost}/api/v2/.well-known`.
   */
  publicKey?: string;
  /**
   * Called as `authing-wxapp-sdk` called it: for every failure the server answered, with
   * GenAuth's (or WeChat's) numeric code, and for network failures and timeouts with `500`;
   * not for arguments refused before sending. What it returns or throws does not change the
   * call's rejection.
   */
  onError?: (code: number, message: string, data: unknown) => void;
  /** @deprecated Accepted for authing-wxapp-sdk compatibility; no effect. */
  protocol?: 'oauth' | 'oidc' | 'saml' | 'cas';
  /** @deprecated Accepted for authing-wxapp-sdk compatibility; no effect. */
  secret?: string;
  /** @deprecated Accepted for authing-wxapp-sdk compatibility; no effect. */
  redirectUri?: string;
  /** @deprecated Accepted for authing-wxapp-sdk compatibility; no effect. */
  tokenEndPointAuthMethod?: EndPointAuthMethod;
  /** @deprecated Accepted for authing-wxapp-sdk compatibility; no effect. */
  introspectionEndPointAuthMethod?: EndPointAuthMethod;
  /** @deprecated Accepted for authing-wxapp-sdk compatibility; no effect. */
  revocationEndPointAuthMethod?: EndPointAuthMethod;
  /** @deprecated Accepted for authing-wxapp-sdk compatibility; no effect (requests say `wxapp`). */
  requestFrom?: string;
  /**
   * @deprecated Accepted for authing-wxapp-sdk compatibility; no effect (the SDK encrypts
   * passwords itself; see `publicKey`).
   */
  encryptFunction?: (plainText: string, publicKey: string) => Promise<string>;
  /** @deprecated Accepted for authing-wxapp-sdk compatibility; no effect (use `appHost`). */
  domain?: string;
  /** @deprecated Accepted for authing-wxapp-sdk compatibility; no effect. */
  websocketHost?: string;
}

/** An OIDC endpoint's client authentication method (an ignored v4 option). */
export type EndPointAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'none';

/** User info from `wx.getUserProfile` / `<button open-type="getUserInfo">`. */
export interface LoginByCodeOptions {
  /** `iv` of the encrypted user info (give it with `encryptedData`). */
  iv?: string;
  /** `encryptedData` of the encrypted user info (give it with `iv`). */
  encryptedData?: string;
  /** `rawData`: the user info as JSON text. */
  rawData?: string;
}

/** A WeChat identity of a user. */
export interface Identity {
  openid?: string | null;
  userIdInIdp?: string | null;
  userId?: string | null;
  connectionId?: string | null;
  isSocial?: boolean | null;
  provider?: string | null;
  userPoolId?: string | null;
}

/** A GenAuth user, as GenAuth returns it. */
export interface User {
  id: string;
  arn?: string | null;
  userPoolId?: string | null;
  status?: string | null;
  username?: string | null;
  email?: string | null;
  emailVerified?: boolean | null;
  phone?: string | null;
  phoneVerified?: boolean | null;
  identities?: Identity[] | null;
  unionid?: string | null;
  openid?: string | null;
  nickname?: string | null;
  registerSource?: string[] | null;
  photo?: string | null;
  oauth?: string | null;
  /** The session token (a JWT). */
  token?: string | null;
  tokenExpiredAt?: string | null;
  loginsCount?: number | null;
  lastLogin?: string | null;
  lastIP?: string | null;
  signedUp?: string | null;
  blocked?: boolean | null;
  isDeleted?: boolean | null;
  device?: string | null;
  browser?: string | null;
  company?: string | null;
  name?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  middleName?: string | null;
  profile?: string | null;
  preferredUsername?: string | null;
  website?: string | null;
  gender?: string | null;
  birthdate?: string | null;
  zoneinfo?: string | null;
  locale?: string | null;
  address?: string | null;
  formatted?: string | null;
  streetAddress?: string | null;
  locality?: string | null;
  region?: string | null;
  postalCode?: string | null;
  city?: string | null;
  province?: string | null;
  country?: string | null;
  createdAt?: string | null;
  updatedAt?: string | null;
  externalId?: string | null;
  [field: string]: unknown;
}

/** GenAuth's answer to `checkLoginStatus`. */
export interface LoginStatus {
  /** 200 when logged in; e.g. 2020 (not logged in), 2206 (expired), 2207 (invalid). */
  code: number;
  message: string;
  status: boolean;
  /** Expiry, seconds since the epoch. */
  exp: number | null;
  /** Issued at, seconds since the epoch. */
  iat: number | null;
  data: { id: string; userPoolId: string; arn: string | null } | null;
}

/**
 * The `e.detail` of `<button open-type="getPhoneNumber" bindgetphonenumber="…">`, passed as is
 * to {@link AuthenticationClient.loginByPhone} or {@link AuthenticationClient.getPhone}.
 */
export interface GetPhoneNumberDetail {
  /** `getPhoneNumber:ok`, or `getPhoneNumber:fail …` (e.g. `getPhoneNumber:fail user deny`). */
  errMsg: string;
  /** The `iv` of `encryptedData` (present on success). */
  iv?: string;
  /** The phone number, encrypted with the session key of the user's login state. */
  encryptedData?: string;
  /** The dynamic phone code (base library 2.21.2+); not used by this protocol. */
  code?: string;
  /** The cloud-development id of the data; not used. */
  cloudID?: string;
  /** WeChat's error number on failure, e.g. 104: the privacy agreement was not accepted. */
  errno?: number;
}

/**
 * The arguments of `getPhone` / `loginByPhone`: authing-wxapp-sdk's `(code, iv, encryptedData)`
 * with a `wx.login` code taken before the tap, or the getPhoneNumber button's `e.detail`.
 */
export type PhoneButtonArgs =
  | [code: string, iv: string, encryptedData: string]
  | [detail: GetPhoneNumberDetail];

/** The phone number WeChat gave, from {@link AuthenticationClient.getPhone}. */
export interface PhoneInfo {
  /** The country code without `+`, e.g. `'86'`. */
  countryCode: string;
  /** The number as the user has it; includes the country code outside mainland China. */
  phoneNumber: string;
  /** The number without the country code. */
  purePhoneNumber: string;
  /** The user's openid in this mini program. */
  openid: string;
  /**
   * The user's unionid, when WeChat gives one (the mini program is bound to an Open Platform
   * account).
   */
  unionid?: string | null;
}

/** Options shared by the GenAuth login and registration methods. */
export interface RequestExtras {
  /** The end user's real IP (for a call made on their behalf). */
  clientIp?: string;
  /**
   * Extra `{key, value}` pairs for the user's custom fields, sent as JSON text.
   * @deprecated Use `customData` (it wins when both are given).
   */
  params?: Array<{ key: string; value: unknown }>;
  /** Values for the user pool's custom fields (sent as `[{key, value}]` JSON text). */
  customData?: Record<string, unknown>;
  /** Request context handed to GenAuth's pipeline (sent as JSON text). */
  context?: Record<string, unknown>;
}

/** Options of the password logins (`loginByEmail`, `loginByUsername`, `loginByPhonePassword`). */
export interface LoginOptions extends RequestExtras {
  /** Create the account when it does not exist yet. Default `false`. */
  autoRegister?: boolean;
  /** The picture captcha, once GenAuth asks for one (`CAPTCHA_REQUIRED`). */
  captchaCode?: string;
}

/** Options of {@link AuthenticationClient.loginByPhoneCode}. */
export interface PhoneCodeLoginOptions extends RequestExtras {
  /** The phone's country code, e.g. `'+86'`. */
  phoneCountryCode?: string;
}

/** Options of the `registerBy*` methods. */
export interface RegisterOptions extends RequestExtras {
  /** Log the new user in (GenAuth returns a token). Default `false`. */
  forceLogin?: boolean;
  /** Return a token for the new user without counting a login. Default `false`. */
  generateToken?: boolean;
}

/** The profile given at registration. */
export interface RegisterProfile {
  ip?: string;
  oauth?: string;
  username?: string;
  nickname?: string;
  company?: string;
  photo?: string;
  device?: string;
  browser?: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  middleName?: string;
  profile?: string;
  preferredUsername?: string;
  website?: string;
  gender?: string;
  birthdate?: string;
  zoneinfo?: string;
  locale?: string;
  address?: string;
  formatted?: string;
  streetAddress?: string;
  locality?: string;
  region?: string;
  postalCode?: string;
  country?: string;
  /** Values of the user pool's custom fields. */
  udf?: Array<{ key: string; value: string }>;
}

/** The fields {@link AuthenticationClient.updateProfile} can change (`null` clears one). */
export type UpdateUserInput = Partial<Pick<User, UpdatableField>> & {
  /** Refused (`INVALID_ARGUMENT`): change it with `updatePassword`. */
  password?: never;
};

/** The fields of {@link User} that `updateProfile` can change (GenAuth's `UpdateUserInput`). */
export type UpdatableField =
  'email' | 'unionid' | 'openid' | 'emailVerified' | 'phone' | 'phoneVerified' | 'username'
  | 'nickname' | 'photo' | 'company' | 'browser' | 'device' | 'oauth' | 'tokenExpiredAt'
  | 'loginsCount' | 'lastLogin' | 'lastIP' | 'blocked' | 'name' | 'givenName' | 'familyName'
  | 'middleName' | 'profile' | 'preferredUsername' | 'website' | 'gender' | 'birthdate'
  | 'zoneinfo' | 'locale' | 'address' | 'formatted' | 'streetAddress' | 'locality' | 'region'
  | 'postalCode' | 'city' | 'province' | 'country' | 'externalId';

/** GenAuth's plain answer: a code and a message. */
export interface CommonMessage {
  code: number;
  message: string;
}

/** The verdict of {@link AuthenticationClient.checkPasswordStrength}. */
export interface PasswordStrength {
  /** Whether the password meets the user pool's strength rule. */
  valid: boolean;
  message: string;
}

/** What a verification email of {@link AuthenticationClient.sendEmail} is for. */
export type EmailScene = 'RESET_PASSWORD' | 'VERIFY_EMAIL' | 'CHANGE_EMAIL' | 'MFA_VERIFY';

/** A password's strength: 1 low, 2 middle, 3 high. */
export type PasswordSecurityLevel = 1 | 2 | 3;

/** The fresh token of {@link AuthenticationClient.refreshToken}. */
export interface RefreshTokenResult {
  /** The new session token (a JWT). */
  token: string;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** The account's security, from {@link AuthenticationClient.getSecurityLevel}. */
export interface SecurityLevel {
  /** The overall score. */
  score: number;
  /** Whether an email is bound. */
  email: boolean;
  /** Whether a phone is bound. */
  phone: boolean;
  /** Whether a password is set. */
  password: boolean;
  /** The password's strength; `null` when it was never checked. */
  passwordSecurityLevel: PasswordSecurityLevel | null;
  /** Whether personal MFA is bound. */
  mfa: boolean;
}

/** An application the user may use, from {@link AuthenticationClient.listApplications}. */
export interface ApplicationPublicDetail {
  id: string;
  createdAt: string;
  updatedAt: string;
  name: string;
  logo: string;
  domain: string;
  description: string;
  protocol: string;
}

/** One page of a list, and how many items there are in all. */
export interface Paginated<T> {
  totalCount: number;
  list: T[];
}

/** The kinds of resource GenAuth authorizes. */
export type ResourceType = 'DATA' | 'API' | 'MENU' | 'UI' | 'BUTTON';

/**
 * A resource the user is authorized for, from {@link AuthenticationClient.listAuthorizedResources}.
 */
export interface AuthorizedResource {
  /** The resource's code, e.g. `'order:*'`. */
  code: string;
  type?: ResourceType | null;
  /** The actions allowed, e.g. `['order:read']`. */
  actions?: string[] | null;
}

/** A node of an organization path: the organization itself (`type: 'org'`) or one of its nodes. */
export interface OrgPathNode {
  type: 'org' | 'node';
  id: string;
  [field: string]: unknown;
}

/** The user's organizations: for each, the path from the organization down to the user's node. */
export type UserOrgList = OrgPathNode[][];

/** The data type of a custom field. */
export type UdfDataType = 'STRING' | 'NUMBER' | 'DATETIME' | 'BOOLEAN' | 'OBJECT';

/**
 * A custom-field value as the SDK hands it over: text for `STRING`, a `Date` for `DATETIME`,
 * the parsed JSON for `NUMBER`, `BOOLEAN` and `OBJECT`.
 */
export type UdfValue = string | number | boolean | Date | object | null;

/** A custom field of the user, with its value converted by `dataType`. */
export interface UserDefinedData {
  key: string;
  dataType: UdfDataType;
  value: UdfValue;
  label: string | null;
}

/** Options of {@link AuthenticationClient.listApplications}. */
export interface ListApplicationsOptions {
  /** The page, from 1. Default 1. */
  page?: number;
  /** Items per page. Default 10. */
  limit?: number;
}

/** Options of {@link AuthenticationClient.listAuthorizedResources}. */
export interface ListAuthorizedResourcesOptions {
  /** Only resources of this type. */
  resourceType?: ResourceType;
}

/** Every `code` a rejected call can carry. */
export type ErrorCode =
  /** A constructor option is missing or malformed. */
  | 'INVALID_OPTIONS'
  /** A method argument is missing or malformed. */
  | 'INVALID_ARGUMENT'
  /** The call needs a logged-in user (GenAuth 2020). */
  | 'NOT_LOGGED_IN'
  /** GenAuth says the session token expired or is invalid (2206, 2207): log in again. */
  | 'SESSION_EXPIRED'
  /** WeChat rejected the wx.login code: unknown, expired or for another app (40029). */
  | 'WX_CODE_INVALID'
  /** The wx.login code was already used (40163). */
  | 'WX_CODE_USED'
  /** WeChat's code2Session rate limit was hit (45011). */
  | 'WX_RATE_LIMITED'
  /** wx.login failed on the device. */
  | 'WX_LOGIN_FAILED'
  /**
   * The user declined to share the phone number (`getPhoneNumber:fail user deny`); nothing was
   * sent.
   */
  | 'WX_PHONE_DENIED'
  /**
   * The user has not accepted the mini program's privacy agreement (`errno` 104); nothing was sent.
   */
  | 'WX_PRIVACY_DENIED'
  /** The getPhoneNumber button failed otherwise (`getPhoneNumber:fail …`); nothing was sent. */
  | 'WX_PHONE_FAILED'
  /** No wx.login code taken before the tap was ready; the client is getting one: tap again. */
  | 'WX_CODE_NOT_READY'
  /**
   * WeChat storage could not be read, or refused to keep the session (its quota full). The
   * session the call made or ended is in effect anyway, held in memory until the mini
   * program closes; the next write storage takes keeps it.
   */
  | 'STORAGE_FAILED'
  /** GenAuth says the user does not exist (2004). */
  | 'USER_NOT_FOUND'
  /** Wrong password, or wrong old password (2006, 2203). */
  | 'WRONG_PASSWORD'
  /** The user, or the username, already exists (2026, 2034). */
  | 'USER_EXISTS'
  /** The phone number belongs to another account (2035). */
  | 'PHONE_TAKEN'
  /** The email belongs to another account (2200). */
  | 'EMAIL_TAKEN'
  /** The SMS or email verification code is wrong (2001). */
  | 'VERIFY_CODE_INVALID'
  /** The verification code has expired or was already used (2300): send a new one. */
  | 'VERIFY_CODE_EXPIRED'
  /** GenAuth wants the picture captcha (2000): retry with `captchaCode`. */
  | 'CAPTCHA_REQUIRED'
  /** GenAuth refused the request with another code; see `serverCode`. */
  | 'SERVER_REJECTED'
  /** `logout()` ended the session on this device but could not tell GenAuth (network, timeout, failing server). */
  | 'LOGGED_OUT_LOCALLY'
  /** The user cancelled (closed the image picker without choosing). */
  | 'CANCELLED'
  /** The password could not be encrypted: no usable public key, or no `wx.getRandomValues`. */
  | 'ENCRYPTION_FAILED'
  /** The request did not reach the server, or the connection dropped. */
  | 'NETWORK_ERROR'
  /** No answer within `timeout`. */
  | 'TIMEOUT'
  /** The server failed (HTTP 5xx without a GenAuth answer). */
  | 'SERVER_ERROR'
  /** Too many requests: HTTP 429, or GenAuth's 2100 (too frequent). Retryable later. */
  | 'RATE_LIMITED'
  /** The server's answer is not GenAuth's protocol (e.g. invalid JSON). */
  | 'INVALID_RESPONSE'
  /** The wasm core could not load (missing file, wrong `wasmPath`, base library < 2.14.0). */
  | 'WASM_LOAD_FAILED'
  /**
   * A fault inside the SDK (a bug, a wasm trap such as running out of memory, or the host
   * breaking the call sequence). The next call runs on a fresh core, the session intact.
   */
  | 'INTERNAL';

/** Options of {@link AuthenticationClient.getCurrentUser}. */
export interface GetCurrentUserOptions {
  /**
   * `true`: resolve the copy stored at the last login or refresh, without a request (for app
   * start, offline); `null` when there is none for the session's user.
   */
  cached?: boolean;
}

/** The error every failed call rejects with. */
export interface GenAuthError extends Error {
  name: 'GenAuthError';
  /** A stable code to branch on. */
  code: ErrorCode;
  /** GenAuth's (or WeChat's) own code, when the server sent one (e.g. 2004, 40163). */
  serverCode?: number;
  /** What the server sent with its error (its `data`), when it sent any. */
  data?: unknown;
  /**
   * Whether the same call may succeed later unchanged: `true` for `NETWORK_ERROR`, `TIMEOUT`,
   * `SERVER_ERROR`, `RATE_LIMITED` and `WX_RATE_LIMITED`; `false` for everything else.
   */
  retryable: boolean;
}

/** The constructor of {@link GenAuthError}: `error instanceof GenAuthError` works. */
export interface GenAuthErrorConstructor {
  new (detail: { code: ErrorCode; message: string; serverCode?: number; data?: unknown; retryable?: boolean }): GenAuthError;
  readonly prototype: GenAuthError;
}

/** `instanceof GenAuthError` works on rejected errors. */
export const GenAuthError: GenAuthErrorConstructor;

/** The package version. */
export const VERSION: string;

/** The method names of {@link AuthenticationClient}, in the order of the core's table. */
export const METHODS: readonly string[];

/**
 * A GenAuth client for one application. Create one (e.g. in `app.js`) and share it; every
 * client of the same `appId` sees the same session, kept in wx storage.
 *
 * Every method except `computedPasswordSecurityLevel` returns a promise; failures reject with
 * a {@link GenAuthError}. Methods marked "needs a session" reject with `NOT_LOGGED_IN`, without
 * a request, when nobody is logged in. Passwords are RSA-encrypted before they are sent.
 */
export class AuthenticationClient {
  /** @param options the options, or just the app id */
  constructor(options: AuthenticationClientOptions | string);

  /**
   * Resolves once the wasm core is loaded and the options are valid. Optional: every method
   * waits for it. Rejects with `INVALID_OPTIONS` or `WASM_LOAD_FAILED`.
   */
  ready(): Promise<void>;

  // ---- WeChat ---------------------------------------------------------------------------

  /**
   * Logs in with WeChat and stores the session. A first login creates the account; a user who
   * signed in through a WeChat app of the same subject (same unionid) gets that account.
   *
   * @param code a `wx.login` code (or the whole `wx.login` result). Without it the SDK calls
   *   `wx.login` itself, and once more with a fresh code if WeChat rejects the first.
   * @param options user info from `wx.getUserProfile` / `open-type="getUserInfo"`
   */
  loginByCode(code?: string | { code: string } | null, options?: LoginByCodeOptions): Promise<User>;

  /**
   * The phone number from a getPhoneNumber button, decrypted by GenAuth; stores nothing.
   * Takes `(code, iv, encryptedData)` with a `wx.login` code from before the tap, or the
   * button's `e.detail` (the client's spare code is used). Rejects like
   * {@link AuthenticationClient.loginByPhone}.
   */
  getPhone(...args: PhoneButtonArgs): Promise<PhoneInfo>;

  /**
   * Logs in with the phone number from a getPhoneNumber button and stores the session: a new
   * phone is bound to the WeChat account; a known phone logs into its account, which gets this
   * WeChat identity. Takes `(code, iv, encryptedData)` with a `wx.login` code from before the
   * tap, or the button's `e.detail` (with the client's spare code). With `e.detail` it rejects,
   * before any request, with `WX_PHONE_DENIED`, `WX_PRIVACY_DENIED`, `WX_PHONE_FAILED` or
   * `WX_CODE_NOT_READY`.
   */
  loginByPhone(...args: PhoneButtonArgs): Promise<User>;

  /**
   * Uploads a local image (e.g. `e.detail.avatarUrl` of `open-type="chooseAvatar"`) as the
   * user's avatar and sets it as `photo`; stores the user copy. Needs a session. Without
   * `filePath` the user picks one (`wx.chooseMedia`, else `wx.chooseImage`); closing the picker
   * rejects with `CANCELLED`.
   */
  updateAvatar(filePath?: string): Promise<User>;

  // ---- Login and registration with a GenAuth account ------------------------------------

  /**
   * Logs in with email and password and stores the session. Rejects e.g. `WRONG_PASSWORD`,
   * `USER_NOT_FOUND`, `CAPTCHA_REQUIRED`.
   */
  loginByEmail(email: string, password: string, options?: LoginOptions): Promise<User>;

  /**
   * Logs in with username and password and stores the session. Rejects e.g. `WRONG_PASSWORD`,
   * `USER_NOT_FOUND`, `CAPTCHA_REQUIRED`.
   */
  loginByUsername(username: string, password: string, options?: LoginOptions): Promise<User>;

  /**
   * Logs in with a phone number and an SMS code (from `sendSmsCode`) and stores the session.
   * Rejects e.g. `VERIFY_CODE_INVALID`, `VERIFY_CODE_EXPIRED`.
   */
  loginByPhoneCode(phone: string, code: string, options?: PhoneCodeLoginOptions): Promise<User>;

  /**
   * Logs in with a phone number and password and stores the session. Rejects e.g. `WRONG_PASSWORD`,
   * `USER_NOT_FOUND`.
   */
  loginByPhonePassword(phone: string, password: string, options?: LoginOptions): Promise<User>;

  /**
   * Registers with email and password. Stores the session only when the new user comes with a
   * token (`forceLogin` / `generateToken`). Rejects e.g. `USER_EXISTS`, `EMAIL_TAKEN`.
   */
  registerByEmail(
    email: string,
    password: string,
    profile?: RegisterProfile,
    options?: RegisterOptions,
  ): Promise<User>;

  /**
   * Registers with username and password. Stores the session only when the new user comes with
   * a token (`forceLogin` / `generateToken`). Rejects e.g. `USER_EXISTS`.
   */
  registerByUsername(
    username: string,
    password: string,
    profile?: RegisterProfile,
    options?: RegisterOptions,
  ): Promise<User>;

  /**
   * Registers with a phone number and SMS code (a password is optional). Stores the session
   * only when the new user comes with a token. Rejects e.g. `PHONE_TAKEN`, `VERIFY_CODE_INVALID`.
   */
  registerByPhoneCode(
    phone: string,
    code: string,
    password?: string,
    profile?: RegisterProfile,
    options?: RegisterOptions,
  ): Promise<User>;

  /** Sends an SMS verification code to `phone`. */
  sendSmsCode(phone: string, phoneCountryCode?: string): Promise<CommonMessage>;

  /** Sends a verification email for `scene`. */
  sendEmail(email: string, scene: EmailScene): Promise<CommonMessage>;

  /**
   * Sets a new password with an SMS code; stores nothing. Rejects e.g. `VERIFY_CODE_INVALID`,
   * `VERIFY_CODE_EXPIRED`.
   */
  resetPasswordByPhoneCode(
    phone: string,
    code: string,
    newPassword: string,
    phoneCountryCode?: string,
  ): Promise<CommonMessage>;

  /**
   * Sets a new password with an email code (scene `RESET_PASSWORD`); stores nothing. Rejects e.g.
   * `VERIFY_CODE_INVALID`.
   */
  resetPasswordByEmailCode(
    email: string,
    code: string,
    newPassword: string,
  ): Promise<CommonMessage>;

  /**
   * Asks GenAuth whether a password meets the user pool's strength rule (sent as is, not
   * encrypted).
   */
  checkPasswordStrength(password: string): Promise<PasswordStrength>;

  /**
   * A password's strength, computed locally and synchronously: 3 with lower and upper case
   * letters and a digit in 12+ characters, 2 with a letter and a digit in 8+, else 1. Throws a
   * {@link GenAuthError} `INVALID_ARGUMENT` for a non-string.
   */
  computedPasswordSecurityLevel(password: string): PasswordSecurityLevel;

  // ---- The account (needs a session, except linkAccount / unLinkAccount) ------------------

  /** Changes profile fields; stores the updated user copy (and its token). Needs a session. */
  updateProfile(updates: UpdateUserInput): Promise<User>;

  /**
   * Changes the password (the old one when one is set; rejects `WRONG_PASSWORD`); stores nothing.
   * Needs a session.
   */
  updatePassword(newPassword: string, oldPassword?: string): Promise<User>;

  /**
   * Changes the bound phone (with codes for the new, and if asked the old, number); stores the user
   * copy. Needs a session.
   */
  updatePhone(
    phone: string,
    phoneCode: string,
    oldPhone?: string,
    oldPhoneCode?: string,
  ): Promise<User>;

  /**
   * Changes the bound email (with codes for the new, and if asked the old, address); stores the
   * user copy. Needs a session.
   */
  updateEmail(
    email: string,
    emailCode: string,
    oldEmail?: string,
    oldEmailCode?: string,
  ): Promise<User>;

  /**
   * Binds a phone number (with its SMS code); stores the user copy. Needs a session. Rejects e.g.
   * `PHONE_TAKEN`.
   */
  bindPhone(phone: string, phoneCode: string, phoneCountryCode?: string): Promise<User>;

  /** Unbinds the phone number; stores the user copy. Needs a session. */
  unbindPhone(): Promise<User>;

  /**
   * Binds an email (with its email code); stores the user copy. Needs a session. Rejects e.g.
   * `EMAIL_TAKEN`.
   */
  bindEmail(email: string, emailCode: string): Promise<User>;

  /** Unbinds the email; stores the user copy. Needs a session. */
  unbindEmail(): Promise<User>;

  /**
   * Links a secondary account (e.g. a social one) to a primary one, by their tokens; no session
   * needed, stores nothing.
   */
  linkAccount(options: {
    primaryUserToken: string;
    secondaryUserToken: string;
  }): Promise<CommonMessage>;

  /**
   * Unlinks the identities of `provider` (e.g. `'wechat:miniprogram:default'`) from the primary
   * account, by its token; no session needed, stores nothing.
   */
  unLinkAccount(options: { primaryUserToken: string; provider: string }): Promise<CommonMessage>;

  /**
   * Gets a fresh session token and stores it; concurrent calls share one request. Needs a session.
   */
  refreshToken(): Promise<RefreshTokenResult>;

  /** The user's organizations, each as the path to the user's node. Needs a session. */
  listOrgs(): Promise<UserOrgList>;

  /**
   * The applications the user may use, a page at a time (default page 1, 10 per page). Needs a
   * session.
   */
  listApplications(options?: ListApplicationsOptions): Promise<Paginated<ApplicationPublicDetail>>;

  /**
   * The resources of a permission group (`namespace`) the user is authorized for. Needs a session;
   * `USER_NOT_FOUND` when GenAuth has no such user.
   */
  listAuthorizedResources(
    namespace: string,
    options?: ListAuthorizedResourcesOptions,
  ): Promise<Paginated<AuthorizedResource>>;

  /**
   * The account's security score and what is set up (email, phone, password, MFA). Needs a session.
   */
  getSecurityLevel(): Promise<SecurityLevel>;

  /**
   * Whether the user has the role `roleCode` (in permission group `namespace`, else the default
   * one). Needs a session.
   */
  hasRole(roleCode: string, namespace?: string): Promise<boolean>;

  // ---- Custom fields of the user (each needs a session) ---------------------------------

  /** The user's custom fields with their converted values. Needs a session. */
  listUdv(): Promise<UserDefinedData[]>;

  /**
   * Sets one custom field (the value is sent as JSON text); resolves the fields after the change.
   * Needs a session.
   */
  setUdv(key: string, value: unknown): Promise<UserDefinedData[]>;

  /** Removes one custom field's value; resolves the fields after the change. Needs a session. */
  removeUdv(key: string): Promise<UserDefinedData[]>;

  /** The user's custom fields as one object, `{ key: value }`. Needs a session. */
  getUdfValue(): Promise<Record<string, UdfValue>>;

  /**
   * Sets several custom fields at once; an empty object rejects with `INVALID_ARGUMENT`. Needs a
   * session.
   */
  setUdfValue(data: Record<string, unknown>): Promise<void>;

  /** Removes one custom field's value. Needs a session. */
  removeUdfValue(key: string): Promise<void>;

  // ---- The session ----------------------------------------------------------------------

  /**
   * Fetches the logged-in user from GenAuth and refreshes the stored copy (and the session
   * token, when GenAuth hands out a fresh one). Resolves `null` when nobody is logged in
   * (without a request). With `{cached: true}`, the stored copy, without a request.
   */
  getCurrentUser(options?: GetCurrentUserOptions): Promise<User | null>;

  /**
   * Asks GenAuth whether a token is valid: `token`, else the session's. Without either,
   * resolves a "not logged in" status (code 2020) without a request. A `false` verdict on
   * the session's own token ends the session.
   */
  checkLoginStatus(token?: string): Promise<LoginStatus>;

  /**
   * Logs out on GenAuth and clears the session on the device (also the one
   * `authing-wxapp-sdk` kept). When GenAuth cannot be told (the network, a timeout, a failing
   * server), the session still ends on the device and the call rejects with
   * `LOGGED_OUT_LOCALLY`.
   */
  logout(): Promise<void>;

  /**
   * The stored session token, or `null` when nobody is logged in or the token's `exp` has
   * passed by the server's clock as last seen (its `Date` header), not the phone's.
   */
  getToken(): Promise<string | null>;
}
