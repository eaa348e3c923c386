'use strict';
// A local server emulating WeChat's server side and GenAuth's v4 endpoints, for tests and demos.
// Node built-ins only. See README.md in this folder.

const http = require('http');
const crypto = require('crypto');
const wechat = require('./wechat');
const genauth = require('./genauth');

const ADMIN_PREFIX = '/__emulator/';

const DEFAULT_APPS = [
  { appId: 'GEN_AUTH_APP_ID', userPoolId: 'pool-default', wechatAppId: 'wx1234567890abcdef', subject: 'subject-default' },
  { appId: 'GEN_AUTH_OTHER_APP', userPoolId: 'pool-default', wechatAppId: 'wxfedcba0987654321', subject: 'subject-default' },
];

const DEFAULT_TOKEN_TTL_SECONDS = 1296000; // 15 days

/** Every non-admin route: "METHOD /path" -> (state, ctx) -> JSON value sent with HTTP 200. */
const ROUTES = Object.assign({ 'GET /sns/jscode2session': wechat.jscode2session }, genauth.ROUTES);

const FAULT_KINDS = ['http500html', 'invalidJson', 'delay', 'drop'];

const HTML_500 =
  '<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n' +
  '<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

const TRUNCATED_JSON = '{"code":200,"data":{"id":';

function checkApp(app) {
  const fields = ['appId', 'userPoolId', 'wechatAppId', 'subject'];
  if (!app || typeof app !== 'object') throw new Error('an app is {appId, userPoolId, wechatAppId, subject}');
  for (const field of fields) {
    if (typeof app[field] !== 'string' || app[field] === '') throw new Error('app.' + field + ' must be a non-empty string');
  }
  return { appId: app.appId, userPoolId: app.userPoolId, wechatAppId: app.wechatAppId, subject: app.subject };
}

function checkFault(spec) {
  if (!spec || typeof spec !== 'object') throw new Error('a fault is {path, method?, kind, delayMs?, times?}');
  if (typeof spec.path !== 'string' || !spec.path.startsWith('/')) throw new Error('fault.path must start with "/"');
  if (FAULT_KINDS.indexOf(spec.kind) < 0) throw new Error('fault.kind must be one of ' + FAULT_KINDS.join(', '));
  if (spec.method !== undefined && spec.method !== null && typeof spec.method !== 'string') {
    throw new Error('fault.method must be a string');
  }
  const times = spec.times === undefined || spec.times === null ? 1 : spec.times;
  if (!Number.isInteger(times) || times < 0) throw new Error('fault.times must be an integer >= 0 (0 = until cleared)');
  if (spec.kind === 'delay' && !(typeof spec.delayMs === 'number' && spec.delayMs >= 0)) {
    throw new Error('a delay fault needs delayMs >= 0');
  }
  return {
    path: spec.path,
    method: spec.method ? spec.method.toUpperCase() : null,
    kind: spec.kind,
    delayMs: spec.kind === 'delay' ? spec.delayMs : 0,
    remaining: times, // 0 = unlimited
  };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res, status, contentType, body) {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res, status, value) {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function notFound(res) {
  send(res, 404, 'text/plain; charset=utf-8', 'Not Found');
}

/**
 * Starts the emulator.
 * @param {{port?: number, host?: string, apps?: object[], tokenTtlSeconds?: number}} [options]
 * @returns {Promise<object>} the Emulator (see README.md)
 */
async function startEmulator(options) {
  const opts = options || {};
  const port = opts.port === undefined ? 0 : opts.port;
  const host = opts.host || '127.0.0.1';
  const tokenTtlSeconds = opts.tokenTtlSeconds === undefined ? DEFAULT_TOKEN_TTL_SECONDS : opts.tokenTtlSeconds;
  if (!(Number.isInteger(tokenTtlSeconds) && tokenTtlSeconds > 0)) throw new Error('tokenTtlSeconds must be a positive integer');

  let clockOffsetMs = 0;
  const state = {
    now: () => Date.now() + clockOffsetMs,
    url: '',
    tokenTtlSeconds,
    secret: crypto.randomBytes(32),
    apps: new Map(),
    codes: new Map(), // wx.login code -> {wechatAppId, person, openid, unionid, sessionKey, issuedAt, used}
    users: new Map(), // id -> user record
    revoked: new Set(), // jti of tokens revoked by logout
  };
  const faults = [];
  const requests = [];
  const timers = new Set();

  function addApp(app) {
    const checked = checkApp(app);
    state.apps.set(checked.appId, checked);
    return Object.assign({}, checked);
  }
  DEFAULT_APPS.concat(opts.apps || []).forEach(addApp);

  function injectFault(spec) {
    faults.push(checkFault(spec));
  }

  function clearFaults() {
    faults.length = 0;
  }

  function setClockOffset(ms) {
    if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new Error('clock offset must be a finite number of ms');
    clockOffsetMs = ms;
  }

  function reset() {
    state.users.clear();
    state.codes.clear();
    state.revoked.clear();
    state.secret = crypto.randomBytes(32); // tokens issued before the reset no longer verify
    clearFaults();
    requests.length = 0;
    clockOffsetMs = 0;
  }

  function users() {
    return Array.from(state.users.values()).map(genauth.userRecord);
  }

  /** Takes the first fault matching the request, counting it down. */
  function takeFault(method, path) {
    const index = faults.findIndex((fault) => fault.path === path && (!fault.method || fault.method === method));
    if (index < 0) return null;
    const fault = faults[index];
    if (fault.remaining > 0) {
      fault.remaining -= 1;
      if (fault.remaining === 0) faults.splice(index, 1);
    }
    return fault;
  }

  function route(res, ctx) {
    const handler = ROUTES[ctx.method + ' ' + ctx.path];
    if (!handler) return notFound(res);
    sendJson(res, 200, handler(state, ctx));
  }

  function admin(res, method, path, bodyText) {
    let body = {};
    if (bodyText !== '') {
      try {
        body = JSON.parse(bodyText);
      } catch (e) {
        return sendJson(res, 400, { error: 'body is not JSON' });
      }
    }
    body = body || {};
    const name = method + ' ' + path.slice(ADMIN_PREFIX.length - 1);
    try {
      switch (name) {
        case 'POST /wx/login':
          return sendJson(res, 200, { code: wechat.mintCode(state, body.appid, body.person) });
        case 'POST /wx/encrypt':
          return sendJson(res, 200, wechat.encryptFor(state, body.code, body.data || {}));
        case 'POST /faults':
          injectFault(body);
          return sendJson(res, 200, { ok: true });
        case 'DELETE /faults':
          clearFaults();
          return sendJson(res, 200, { ok: true });
        case 'POST /reset':
          reset();
          return sendJson(res, 200, { ok: true });
        case 'GET /users':
          return sendJson(res, 200, users());
        case 'GET /requests':
          return sendJson(res, 200, requests);
        case 'GET /apps':
          return sendJson(res, 200, Array.from(state.apps.values()));
        case 'POST /apps':
          return sendJson(res, 200, addApp(body));
        case 'POST /clock':
          setClockOffset(body.offsetMs);
          return sendJson(res, 200, { ok: true, offsetMs: clockOffsetMs });
        default:
          return notFound(res);
      }
    } catch (e) {
      return sendJson(res, 400, { error: e.message });
    }
  }

  async function handle(req, res) {
    const bodyText = await readBody(req);
    const parsed = new URL(req.url, 'http://emulator.invalid');
    const method = req.method.toUpperCase();
    const path = parsed.pathname;
    if (path.startsWith(ADMIN_PREFIX)) return admin(res, method, path, bodyText);

    const query = {};
    parsed.searchParams.forEach((value, key) => {
      query[key] = value;
    });
    const headers = Object.assign({}, req.headers); // Node lower-cases header names
    requests.push({ method, path, query: Object.assign({}, query), headers: Object.assign({}, headers), body: bodyText });
    const remoteAddress = (req.socket.remoteAddress || '').replace(/^::ffff:/, '');
    const ctx = { method, path, query, headers, body: bodyText, remoteAddress };

    const fault = takeFault(method, path);
    if (!fault) return route(res, ctx);
    switch (fault.kind) {
      case 'http500html':
        return send(res, 500, 'text/html; charset=utf-8', HTML_500);
      case 'invalidJson':
        return send(res, 200, 'application/json; charset=utf-8', TRUNCATED_JSON);
      case 'drop':
        return req.socket.destroy();
      case 'delay': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) route(res, ctx);
        }, fault.delayMs);
        timers.add(timer);
        return undefined;
      }
      default:
        throw new Error('unreachable fault kind ' + fault.kind);
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'emulator error: ' + err.message);
      else res.destroy();
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      const actualPort = server.address().port;
      const url = 'http://' + (host.indexOf(':') >= 0 ? '[' + host + ']' : host) + ':' + actualPort;
      state.url = url;
      let closing = null;
      resolve({
        url,
        port: actualPort,
        close() {
          if (!closing) {
            closing = new Promise((done) => {
              timers.forEach(clearTimeout);
              timers.clear();
              server.close(() => done());
              server.closeAllConnections();
            });
          }
          return closing;
        },
        mintCode: (wechatAppId, person) => wechat.mintCode(state, wechatAppId, person),
        encryptFor: (code, data) => wechat.encryptFor(state, code, data),
        injectFault,
        clearFaults,
        reset,
        get requests() {
          return requests;
        },
        users,
        addApp,
        setClockOffset,
      });
    });
  });
}

module.exports = { startEmulator, DEFAULT_APPS, DEFAULT_TOKEN_TTL_SECONDS };
