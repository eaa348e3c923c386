'use strict';
// A local server emulating WeChat's server side and GenAuth's v4 endpoints, for tests and demos.
// Node built-ins only. See README.md in this folder.

const http = require('http');
const crypto = require('crypto');
const wechat = require('./wechat');
const genauth = require('./genauth');
const users = require('./users');
const codes = require('./codes');
const directory = require('./directory');
const rsa = require('./rsa');

const ADMIN_PREFIX = '/__emulator/';

const DEFAULT_APPS = [
  { appId: 'GEN_AUTH_APP_ID', userPoolId: 'pool-default', wechatAppId: 'wx1234567890abcdef', subject: 'subject-default' },
  { appId: 'GEN_AUTH_OTHER_APP', userPoolId: 'pool-default', wechatAppId: 'wxfedcba0987654321', subject: 'subject-default' },
];

const DEFAULT_TOKEN_TTL_SECONDS = 1296000; // 15 days
const DEFAULT_VERIFY_CODE_TTL_SECONDS = 300; // SMS and e-mail codes: 5 minutes

/** Every non-admin route: "METHOD /path" -> (state, ctx) -> JSON value sent with HTTP 200. */
const ROUTES = Object.assign({ 'GET /sns/jscode2session': wechat.jscode2session }, genauth.ROUTES);

const FAULT_KINDS = ['http500html', 'invalidJson', 'delay', 'drop', 'answer'];

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
  if (typeof spec.path !== 'string' || !(spec.path === '*' || spec.path.startsWith('/'))) {
    throw new Error('fault.path must start with "/" (or be "*": any path)');
  }
  if (FAULT_KINDS.indexOf(spec.kind) < 0) throw new Error('fault.kind must be one of ' + FAULT_KINDS.join(', '));
  if (spec.method !== undefined && spec.method !== null && typeof spec.method !== 'string') {
    throw new Error('fault.method must be a string');
  }
  const times = spec.times === undefined || spec.times === null ? 1 : spec.times;
  if (!Number.isInteger(times) || times < 0) throw new Error('fault.times must be an integer >= 0 (0 = until cleared)');
  if (spec.kind === 'delay' && !(typeof spec.delayMs === 'number' && spec.delayMs >= 0)) {
    throw new Error('a delay fault needs delayMs >= 0');
  }
  if (spec.kind === 'answer' && !(Number.isInteger(spec.status) && spec.status >= 100 && spec.status <= 599)) {
    throw new Error('an answer fault needs status 100..599 (and body: any JSON)');
  }
  return {
    path: spec.path,
    method: spec.method ? spec.method.toUpperCase() : null,
    kind: spec.kind,
    delayMs: spec.kind === 'delay' ? spec.delayMs : 0,
    status: spec.kind === 'answer' ? spec.status : 0,
    body: spec.kind === 'answer' ? spec.body : undefined,
    remaining: times, // 0 = unlimited
  };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
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

function positiveInteger(name, value, fallback) {
  const result = value === undefined ? fallback : value;
  if (!(Number.isInteger(result) && result > 0)) throw new Error(name + ' must be a positive integer');
  return result;
}

/**
 * Starts the emulator.
 * @param {{port?: number, host?: string, apps?: object[], tokenTtlSeconds?: number,
 *   verifyCodeTtlSeconds?: number, rsaPrivateKey?: string | crypto.KeyObject}} [options]
 * @returns {Promise<object>} the Emulator (see README.md)
 */
async function startEmulator(options) {
  const opts = options || {};
  const port = opts.port === undefined ? 0 : opts.port;
  const host = opts.host || '127.0.0.1';
  const tokenTtlSeconds = positiveInteger('tokenTtlSeconds', opts.tokenTtlSeconds, DEFAULT_TOKEN_TTL_SECONDS);
  const verifyCodeTtlSeconds = positiveInteger('verifyCodeTtlSeconds', opts.verifyCodeTtlSeconds, DEFAULT_VERIFY_CODE_TTL_SECONDS);

  let clockOffsetMs = 0;
  const state = {
    now: () => Date.now() + clockOffsetMs,
    startedAt: Date.now(),
    url: '',
    tokenTtlSeconds,
    verifyCodeTtlMs: verifyCodeTtlSeconds * 1000,
    secret: crypto.randomBytes(32),
    rsa: rsa.createKeyPair(opts.rsaPrivateKey), // kept across reset(): clients cache the public key
    apps: new Map(),
    codes: new Map(), // wx.login code -> {wechatAppId, person, openid, unionid, sessionKey, issuedAt, used}
    verifyCodes: new Map(), // 'sms:<cc> <phone>' | 'email:<scene>:<email>' -> {code, issuedAt, used}
    users: new Map(), // id -> user record
    revoked: new Set(), // jti of tokens revoked by logout
    udfs: new Map(), // userPoolId -> Map key -> {key, dataType, label}
    uploads: new Map(), // key -> {contentType, data}
  };
  const faults = [];
  const requests = [];
  const encrypted = new Set(); // encryptedData handed out by encryptFor

  /**
   * Every secret this emulator knows the SDK was given: wx.login codes and their session
   * keys, SMS and email codes, tokens, passwords, encryptedData (at least 6 characters).
   */
  function secrets() {
    const all = new Set(users.seenSecrets);
    for (const [code, record] of state.codes) {
      all.add(code);
      all.add(record.sessionKey.toString('base64'));
    }
    for (const record of state.verifyCodes.values()) all.add(record.code);
    for (const sealed of encrypted) all.add(sealed);
    return [...all].filter((secret) => typeof secret === 'string' && secret.length >= 6);
  }
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
    state.verifyCodes.clear();
    state.revoked.clear();
    state.udfs.clear(); // back to the default fields
    state.uploads.clear();
    state.secret = crypto.randomBytes(32); // tokens issued before the reset no longer verify
    clearFaults();
    requests.length = 0;
    clockOffsetMs = 0;
  }

  function listUsers() {
    return Array.from(state.users.values()).map(genauth.userRecord);
  }

  function decryptPassword(base64) {
    const plain = rsa.decrypt(state.rsa, base64);
    if (plain === null) throw new Error('解密客户端密码出错');
    return plain;
  }

  function lastSmsCode(phone, phoneCountryCode) {
    return codes.lastSmsCode(state, phone, phoneCountryCode);
  }

  function lastEmailCode(email, scene) {
    if (scene !== undefined && codes.EMAIL_SCENES.indexOf(scene) < 0) throw new Error('scene must be one of ' + codes.EMAIL_SCENES.join(', '));
    return codes.lastEmailCode(state, email, scene);
  }

  function udfs(userPoolId) {
    return Array.from(directory.udfsOf(state, userPoolId || 'pool-default').values()).map((udf) => Object.assign({}, udf));
  }

  /** Replaces one seeded list of a user (`field` of the record) and returns a copy of it. */
  function seed(field, build) {
    return (userId, items) => {
      const user = directory.seedTarget(state, userId);
      user[field] = build(user, items);
      return JSON.parse(JSON.stringify(user[field]));
    };
  }
  const seedRoles = seed('roles', (user, roles) => directory.buildRoles(state, user, roles));
  const seedResources = seed('resources', (user, resources) => directory.buildResources(resources));
  const seedOrgs = seed('orgs', (user, orgs) => directory.buildOrgs(state, orgs));
  const seedApplications = seed('applications', (user, applications) =>
    applications === null ? null : directory.buildApplications(state, applications)
  );

  /** Takes the first fault matching the request, counting it down. */
  function takeFault(method, path) {
    const index = faults.findIndex((fault) => (fault.path === '*' || fault.path === path) && (!fault.method || fault.method === method));
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
    if (handler) return sendJson(res, 200, handler(state, ctx));
    const file = ctx.method === 'GET' ? genauth.uploadedFile(state, ctx.path) : undefined;
    if (file) return send(res, 200, file.contentType, file.data);
    return notFound(res);
  }

  function admin(res, method, path, query, bodyText) {
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
          return sendJson(res, 200, listUsers());
        case 'POST /users':
          return sendJson(res, 200, users.seedUser(state, body));
        case 'GET /sms-code':
          return sendJson(res, 200, { code: lastSmsCode(query.get('phone') || '', query.get('phoneCountryCode') || undefined) });
        case 'GET /email-code':
          return sendJson(res, 200, { code: lastEmailCode(query.get('email') || '', query.get('scene') || undefined) });
        case 'GET /udfs':
          return sendJson(res, 200, udfs(query.get('userPoolId') || undefined));
        case 'POST /udfs':
          return sendJson(res, 200, directory.defineUdf(state, body));
        case 'POST /roles':
          return sendJson(res, 200, seedRoles(body.userId, body.roles));
        case 'POST /resources':
          return sendJson(res, 200, seedResources(body.userId, body.resources));
        case 'POST /orgs':
          return sendJson(res, 200, seedOrgs(body.userId, body.orgs));
        case 'POST /applications':
          return sendJson(res, 200, seedApplications(body.userId, body.applications));
        case 'GET /public-key':
          return sendJson(res, 200, { publicKey: state.rsa.publicKey });
        case 'POST /decrypt-password':
          return sendJson(res, 200, { password: decryptPassword(body.password) });
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
    const rawBody = await readBody(req);
    const bodyText = rawBody.toString('utf8');
    const parsed = new URL(req.url, 'http://emulator.invalid');
    const method = req.method.toUpperCase();
    const path = parsed.pathname;
    if (path.startsWith(ADMIN_PREFIX)) return admin(res, method, path, parsed.searchParams, bodyText);

    const query = {};
    parsed.searchParams.forEach((value, key) => {
      query[key] = value;
    });
    const headers = Object.assign({}, req.headers); // Node lower-cases header names
    requests.push({ method, path, query: Object.assign({}, query), headers: Object.assign({}, headers), body: bodyText });
    const remoteAddress = (req.socket.remoteAddress || '').replace(/^::ffff:/, '');
    const ctx = { method, path, query, headers, body: bodyText, rawBody, remoteAddress };

    const fault = takeFault(method, path);
    if (!fault) return route(res, ctx);
    switch (fault.kind) {
      case 'http500html':
        return send(res, 500, 'text/html; charset=utf-8', HTML_500);
      case 'invalidJson':
        return send(res, 200, 'application/json; charset=utf-8', TRUNCATED_JSON);
      case 'drop':
        return req.socket.destroy();
      case 'answer':
        // What a server (or a gateway) may say that the emulator's own routes never do.
        return typeof fault.body === 'string'
          ? send(res, fault.status, 'text/plain; charset=utf-8', fault.body)
          : sendJson(res, fault.status, fault.body === undefined ? null : fault.body);
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
        encryptFor: (code, data) => {
          const sealed = wechat.encryptFor(state, code, data);
          encrypted.add(sealed.encryptedData);
          return sealed;
        },
        secrets,
        injectFault,
        clearFaults,
        reset,
        get requests() {
          return requests;
        },
        users: listUsers,
        addApp,
        setClockOffset,
        publicKey: state.rsa.publicKey,
        decryptPassword,
        seedUser: (fields) => users.seedUser(state, fields),
        lastSmsCode,
        lastEmailCode,
        defineUdf: (spec) => directory.defineUdf(state, spec),
        udfs,
        seedRoles,
        seedResources,
        seedOrgs,
        seedApplications,
      });
    });
  });
}

module.exports = { startEmulator, DEFAULT_APPS, DEFAULT_TOKEN_TTL_SECONDS, DEFAULT_VERIFY_CODE_TTL_SECONDS };
