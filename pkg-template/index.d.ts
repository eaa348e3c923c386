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
}

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
  /** WeChat storage refused a write. */
  | 'STORAGE_FAILED'
  /** GenAuth says the user does not exist (2004). */
  | 'USER_NOT_FOUND'
  /** GenAuth refused the request with another code; see `serverCode`. */
  | 'SERVER_REJECTED'
  /** The request did not reach the server, or the connection dropped. */
  | 'NETWORK_ERROR'
  /** No answer within `timeout`. */
  | 'TIMEOUT'
  /** The server failed (HTTP 5xx without a GenAuth answer). */
  | 'SERVER_ERROR'
  /** The server's answer is not GenAuth's protocol (e.g. invalid JSON). */
  | 'INVALID_RESPONSE'
  /** The wasm core could not load (missing file, wrong `wasmPath`, base library < 2.14.0). */
  | 'WASM_LOAD_FAILED'
  /** A fault inside the SDK (a bug, or the host breaking the call sequence). */
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
}

/** The constructor of {@link GenAuthError}: `error instanceof GenAuthError` works. */
export interface GenAuthErrorConstructor {
  new (detail: { code: ErrorCode; message: string; serverCode?: number; data?: unknown }): GenAuthError;
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
 * Every method returns a promise; failures reject with a {@link GenAuthError}.
 */
export class AuthenticationClient {
  /** @param options the options, or just the app id */
  constructor(options: AuthenticationClientOptions | string);

  /**
   * Resolves once the wasm core is loaded and the options are valid. Optional: every method
   * waits for it. Rejects with `INVALID_OPTIONS` or `WASM_LOAD_FAILED`.
   */
  ready(): Promise<void>;

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
   * `authing-wxapp-sdk` kept). A network failure rejects and keeps the session.
   */
  logout(): Promise<void>;

  /**
   * The stored session token, or `null` when nobody is logged in or the token's `exp` has
   * passed by the server's clock as last seen (its `Date` header), not the phone's.
   */
  getToken(): Promise<string | null>;
}
