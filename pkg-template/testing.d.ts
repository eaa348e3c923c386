// Types of genauth-wxapp-sdk/testing: the bundled emulator of GenAuth and WeChat, and a mock
// `wx` driven by it, for testing mini-program login pages offline in Node (node:test, jest,
// miniprogram-simulate). Node only: never part of a code package.

/** The GenAuth app id every emulator serves (pass it as `appId`). */
export declare const APP_ID: 'GEN_AUTH_APP_ID';
/** The WeChat app id of that app (the `appid` its wx.login codes belong to). */
export declare const WECHAT_APP_ID: 'wx1234567890abcdef';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Port on 127.0.0.1; default: a free one. */
  port?: number;
  /** Lifetime of the tokens it issues, in seconds (default 15 days). */
  tokenTtlSeconds?: number;
  /** Lifetime of SMS and email codes, in seconds (default 300). */
  verifyCodeTtlSeconds?: number;
}

/** What `e.detail` of a getPhoneNumber button carries, encrypted for one wx.login session. */
export interface EncryptedPhone {
  iv: string;
  encryptedData: string;
}

/** A fault the emulator plays for the next requests. */
export type Fault =
  | { kind: 'http500' | 'invalidJson' | 'drop'; path?: string; method?: string; times?: number }
  | { kind: 'delay'; delayMs: number; path?: string; method?: string; times?: number }
  | { kind: 'answer'; status: number; body?: unknown; path?: string; method?: string; times?: number };

/** A request the SDK sent to the emulator. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The body as UTF-8 text. */
  body: string;
}

/** Fields of a user to create: any profile field, plus a plaintext `password`. */
export interface SeedUser {
  email?: string;
  phone?: string;
  username?: string;
  password?: string;
  nickname?: string;
  [field: string]: unknown;
}

/** A user record of the emulator (the `User` fields, its identities, its last token). */
export interface EmulatedUser {
  id: string;
  email: string | null;
  phone: string | null;
  username: string | null;
  nickname: string | null;
  token: string | null;
  [field: string]: unknown;
}

/** A running emulator of GenAuth's servers and WeChat's server side. */
export interface Emulator {
  /** Where it listens: pass it as the client's `host`. */
  readonly url: string;
  /** `'GEN_AUTH_APP_ID'`: pass it as the client's `appId`. */
  readonly appId: string;
  /** `'wx1234567890abcdef'`. */
  readonly wechatAppId: string;
  /** Stops it. */
  close(): Promise<void>;
  /** A wx.login code for `person` (any string; the same string is the same WeChat user). Default `'alice'`. */
  mintCode(person?: string): string;
  /** `phone` encrypted for the session of `code`, as WeChat does for a getPhoneNumber tap. */
  encryptPhone(code: string, phone: string, countryCode?: string): EncryptedPhone;
  /** Creates a password (or phone) account; returns its record. Throws on a duplicate. */
  seedUser(fields: SeedUser): EmulatedUser;
  /** Copies of every user record. */
  users(): EmulatedUser[];
  /** The last SMS code sent to `phone` (nothing is delivered), or `null`. */
  lastSmsCode(phone: string, phoneCountryCode?: string): string | null;
  /** The last email code sent to `email` (for `scene`, or any), or `null`. */
  lastEmailCode(email: string, scene?: string): string | null;
  /** Defines a user-defined field of the pool. */
  defineUdf(field: { key: string; dataType?: 'STRING' | 'NUMBER' | 'BOOLEAN' | 'DATETIME' | 'OBJECT'; label?: string }): unknown;
  /** Copies of the requests received so far, oldest first. */
  requests(): RecordedRequest[];
  /** Plays `fault` for the next `times` requests (default 1; 0 = until cleared) to `path` (default: any). */
  fault(fault: Fault): void;
  /** Removes every fault. */
  clearFaults(): void;
  /** Forgets users, tokens, codes, faults and the request log. */
  reset(): void;
  /** The full emulator (everything its README in the SDK's repository lists). */
  readonly server: unknown;
}

/** Starts an emulator on 127.0.0.1. */
export declare function startEmulator(options?: EmulatorOptions): Promise<Emulator>;

/** Options of {@link createMockWx}. */
export interface MockWxOptions {
  /** The emulator its wx.login codes and getPhoneNumber details come from. */
  emulator: Emulator;
  /** Who wx.login logs in (default `'alice'`); change it with `wx.mock.setPerson`. */
  person?: string;
  /** Storage to start from (key → JSON text, as WeChat keeps it); share one to play a restart. */
  storage?: Map<string, string>;
  /** `getSystemInfoSync().language` (default `'zh_CN'`). */
  language?: string;
  /** What chooseMedia / chooseImage pick: a file path or bytes (default: a 1×1 PNG). */
  image?: string | Uint8Array;
}

/** What the next wx.login does: log in a person, return a given code, fail, or never answer. */
export type PlannedLogin = { person: string } | { code: string } | { fail: string } | { never: true };

/** The controls of a mock `wx` (not WeChat APIs). */
export interface MockControls {
  /** Storage as WeChat keeps it: key → JSON text. */
  readonly storage: Map<string, string>;
  /** The UI calls made (showToast, showModal, showLoading, ...). */
  readonly ui: Array<{ api: string; options: Record<string, unknown> }>;
  /** From now on wx.login logs in `person`. */
  setPerson(person: string): void;
  /** What the next wx.login calls do, in order; then `setPerson`'s person again. */
  planLogin(...answers: PlannedLogin[]): void;
  /** The next chooseMedia / chooseImage calls: `{cancel: true}` (picker closed) or `{}`. */
  planChoose(...answers: Array<{ cancel?: boolean }>): void;
  /** The code the last wx.login returned, or `null`. */
  lastCode(): string | null;
  /**
   * The `e.detail` of a getPhoneNumber button tapped now: `phone` encrypted for the last
   * wx.login code (the SDK takes one when the client starts); `{deny: true}`: the user refused.
   */
  phoneNumberDetail(phone: string, options?: { deny?: boolean; countryCode?: string }): {
    errMsg: string;
    iv?: string;
    encryptedData?: string;
  };
  /** Requests and uploads in flight now. */
  inFlight(): number;
  /** Aborts what is in flight and removes its temp files. */
  close(): void;
}

/** WeChat's callback options. */
interface Callbacks<T> {
  success?: (result: T) => void;
  fail?: (error: { errMsg: string; errno?: number }) => void;
  complete?: (result: T | { errMsg: string; errno?: number }) => void;
}

/** A mock `wx`: the APIs the SDK and a login page use, and `mock`, its controls. */
export interface MockWx {
  request(options: Callbacks<{ statusCode: number; data: unknown; header: Record<string, string>; errMsg: string }> & {
    url: string;
    method?: string;
    data?: unknown;
    header?: Record<string, string>;
    timeout?: number;
    dataType?: string;
    responseType?: 'text' | 'arraybuffer';
  }): { abort(): void };
  uploadFile(options: Callbacks<{ statusCode: number; data: string; errMsg: string }> & {
    url: string;
    filePath: string;
    name: string;
    header?: Record<string, string>;
    formData?: Record<string, string>;
    timeout?: number;
  }): { abort(): void };
  login(options?: Callbacks<{ code: string; errMsg: string }> & { timeout?: number }): void;
  setStorageSync(key: string, value: unknown): void;
  getStorageSync(key: string): any;
  removeStorageSync(key: string): void;
  clearStorageSync(): void;
  getStorageInfoSync(): { keys: string[]; currentSize: number; limitSize: number };
  getRandomValues(options: Callbacks<{ randomValues: ArrayBuffer; errMsg: string }> & { length: number }): void;
  chooseMedia(options?: Callbacks<{ tempFiles: Array<{ tempFilePath: string; size: number; fileType: string }>; errMsg: string }> & Record<string, unknown>): void;
  chooseImage(options?: Callbacks<{ tempFilePaths: string[]; errMsg: string }> & Record<string, unknown>): void;
  getSystemInfoSync(): { language: string; platform: string; SDKVersion: string; [key: string]: unknown };
  showToast(options: Callbacks<{ errMsg: string }> & { title: string; icon?: string; duration?: number }): void;
  showModal(options: Callbacks<{ confirm: boolean; cancel: boolean; errMsg: string }> & { title?: string; content?: string }): void;
  showLoading(options: Callbacks<{ errMsg: string }> & { title: string }): void;
  hideLoading(options?: Callbacks<{ errMsg: string }>): void;
  /** The test's controls. */
  readonly mock: MockControls;
  [api: string]: unknown;
}

/** A mock `wx` speaking to `options.emulator`: assign it to `global.wx` before requiring the SDK's client. */
export declare function createMockWx(options: MockWxOptions): MockWx;
