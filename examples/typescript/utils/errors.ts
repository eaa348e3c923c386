import { ErrorCode, GenAuthError } from 'genauth-wxapp-sdk';

/**
 * Whether `error` is a GenAuthError with one of `codes`; narrows `error.code` to them.
 * Every SDK call rejects with a GenAuthError, but a `catch` also sees the page's own bugs.
 */
export function isGenAuthError<C extends ErrorCode>(
  error: unknown,
  ...codes: C[]
): error is GenAuthError & { code: C } {
  return error instanceof GenAuthError && (codes.length === 0 || (codes as ErrorCode[]).includes(error.code));
}

/** What the page shows for a failed call. */
export function messageFor(error: unknown): string {
  if (!(error instanceof GenAuthError)) return String(error);
  switch (error.code) {
    case 'NETWORK_ERROR':
    case 'TIMEOUT':
    case 'SERVER_ERROR':
      return '网络不太好，请稍后重试';
    case 'RATE_LIMITED':
    case 'WX_RATE_LIMITED':
      return '操作太频繁，请稍后再试';
    case 'NOT_LOGGED_IN':
    case 'SESSION_EXPIRED':
      return '请重新登录';
    case 'WX_PHONE_DENIED':
      return '未授权手机号，可改用微信一键登录';
    case 'CANCELLED':
      return '';
    default:
      // GenAuth's (or WeChat's) own number, when the server sent one, helps support.
      return error.serverCode !== undefined ? `${error.message}（${error.serverCode}）` : error.message;
  }
}

/**
 * Runs `call`, and once more a second later when it failed for a reason that may pass
 * (`retryable`: the network, a timeout, a failing server, a rate limit).
 */
export async function withRetry<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof GenAuthError) || !error.retryable) throw error;
    await new Promise<void>((resolve) => setTimeout(resolve, 1000));
    return call();
  }
}
