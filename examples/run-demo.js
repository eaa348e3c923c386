'use strict';
// The README's first command ends here (`./build.sh demo` builds pkg/ first): it walks the pages
// of examples/miniprogram as a user taps through them, in the strict WeChat sandbox
// (tests/sandbox) against the bundled emulator (tests/emulator), prints what each page did, and
// exits non-zero when a page did not do what it should. tests/package/example.test.js runs the
// same walk (`walkDemo`) and checks each page's outcome.
//
// What the sandbox has no user for, the walk plays: the getPhoneNumber button's e.detail (the
// number encrypted with the session key of the latest wx.login, as WeChat does), the temp file
// an open-type="chooseAvatar" button hands over (mp.addFile), and the forms' submit events.
// Nothing printed holds a token or a code: `walkDemo` checks its lines against every secret the
// emulator handed out.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { startEmulator } = require('../tests/emulator');
const { createMiniProgram } = require('../tests/sandbox');
const { makeCodePackage } = require('../tests/package/code-package');

const EXAMPLE = path.join(__dirname, 'miniprogram');
const APP_ID = 'GEN_AUTH_APP_ID';
const PHONE = '13800000000';
// A 1×1 PNG: the picture the user chose at the chooseAvatar button.
const AVATAR = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082',
  'hex',
);

class DemoFailure extends Error {}

function expect(ok, what) {
  if (!ok) throw new DemoFailure(what);
}

/** A page's data (of the sandbox's realm) as plain data of this one, as it is now. */
function snapshot(value) {
  return JSON.parse(JSON.stringify(value));
}

function pause(ms = 50) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Walks the example's pages and returns what each showed: `{ lines, account (GenAuth's record
 * of the user), index, phone, profile (each page's data after its steps), udv (the custom
 * values GenAuth holds), errors (the texts shown), logout (the index pages' data after it) }`.
 * Throws (a DemoFailure) at the first step that does not do what it should. `log(line)` gets
 * each line as it is made; `example` is the mini program to walk (default examples/miniprogram;
 * a test walks broken copies).
 */
async function walkDemo({ log = () => {}, example = EXAMPLE } = {}) {
  const emulator = await startEmulator();
  const { appid } = JSON.parse(fs.readFileSync(path.join(example, 'project.config.json'), 'utf8'));
  // The example's own config, pointed at the emulator instead of https://core.genauth.ai.
  const root = makeCodePackage({
    project: example,
    files: { 'config.js': `module.exports = { appId: '${APP_ID}', host: ${JSON.stringify(emulator.url)} };\n` },
  });
  const lines = [];
  const say = (page, text) => {
    const line = `${page.padEnd(8)} ${text}`;
    for (const secret of emulator.secrets()) expect(!line.includes(secret), `a printed line holds a secret (${secret.length} characters)`);
    lines.push(line);
    log(line);
  };
  const programs = [];
  /** One launch of the mini program on a phone whose WeChat user is `person`. */
  const launch = (person, language = 'zh_CN') => {
    const codes = []; // every wx.login code, in order: the last one is the current login state
    const mp = createMiniProgram({
      root,
      wechatAppId: appid,
      systemInfo: { language },
      // The pages are what WeChat runs as they are (no build step): ES2017, like the package.
      syntaxCheck: 'all',
      console: { log() {}, info() {}, warn: console.warn, error: console.error },
      login: async (wechatAppId) => {
        codes.push(emulator.mintCode(wechatAppId, person));
        return codes[codes.length - 1];
      },
    });
    programs.push(mp);
    const event = (detail) => mp.toContext({ type: 'tap', detail });
    return { mp, codes, event, submit: (value) => event({ value }) };
  };
  const since = (mark) => emulator.requests.slice(mark).map((r) => `${r.method} ${r.path}`);
  const storedToken = (mp) => mp.storage.has(`genauth:${APP_ID}:token`);

  try {
    // The custom fields the profile page edits (the emulator has them by default; named here).
    emulator.defineUdf({ key: 'school', dataType: 'STRING', label: '学校' });
    emulator.defineUdf({ key: 'age', dataType: 'NUMBER', label: '年龄' });
    log(`emulator ${emulator.url} · mini program ${appid} · code package ${root}`);

    // ---- index: the silent login at launch ----------------------------------------------------
    const zh = launch('demo-user');
    let mark = emulator.requests.length;
    const index = await zh.mp.loadPageAsync('pages/index/index');
    expect(!index.data.error, `index: the silent login failed: ${index.data.error}`);
    expect(index.data.user && index.data.user.id, 'index: no user after the silent login');
    const account = emulator.users().find((u) => u.id === index.data.user.id);
    expect(account && account.openid, 'index: GenAuth has no WeChat account for the user');
    say('index', `silent login at launch (no tap): logged in as ${account.id} (${index.data.user.nickname || index.data.t.wechatUser}, openid ${account.openid})`);
    say('index', `requests: ${since(mark).join(', ')}`);
    const shown = { index: snapshot(index.data) };

    // ---- phone: the getPhoneNumber button ---------------------------------------------------
    const phone = await zh.mp.loadPageAsync('pages/phone/phone');
    await pause(); // the wx.login the client makes after each call (its spare code) is done
    await phone.onPhone(zh.event({ errMsg: 'getPhoneNumber:fail user deny' }));
    expect(phone.data.error === '' && !phone.data.user.phone, 'phone: a declined tap should show nothing and bind nothing');
    // WeChat encrypts the number with the session key of the latest wx.login: the client's spare.
    const spare = zh.codes[zh.codes.length - 1];
    const { iv, encryptedData } = emulator.encryptFor(spare, { phoneNumber: PHONE, purePhoneNumber: PHONE, countryCode: '86' });
    mark = emulator.requests.length;
    await phone.onPhone(zh.event({ errMsg: 'getPhoneNumber:ok', iv, encryptedData, code: 'dynamic-code-unused' }));
    expect(!phone.data.error, `phone: the tap failed: ${phone.data.error}`);
    expect(phone.data.user.phone === PHONE, 'phone: the page does not show the phone number');
    expect(phone.data.user.id === account.id, 'phone: the phone went to another account');
    const byPhone = emulator.requests.slice(mark).find((r) => r.path.endsWith('/auth-by-phone'));
    expect(byPhone && JSON.parse(byPhone.body).code === spare, 'phone: the SDK did not use the wx.login code from before the tap');
    expect(emulator.users().find((u) => u.id === account.id).phone === PHONE, 'phone: GenAuth did not bind the phone');
    say('phone', 'declined: no error shown, nothing bound; allowed: e.detail to loginByPhone');
    say('phone', `phone bound: ${PHONE} → user ${account.id} (with the wx.login code taken before the tap)`);
    shown.phone = snapshot(phone.data);

    // ---- profile: avatar, nickname, custom fields --------------------------------------------
    const profile = await zh.mp.loadPageAsync('pages/profile/profile');
    expect(profile.data.user && !profile.data.error, `profile: did not load: ${profile.data.error}`);
    expect(profile.data.fields.map((f) => f.key).join() === 'school,age', 'profile: the custom fields are not listed');
    const avatarUrl = zh.mp.addFile(`wxfile://tmp_${crypto.randomBytes(16).toString('hex')}.png`, AVATAR);
    await profile.onAvatar(zh.event({ avatarUrl }));
    const photo = profile.data.user.photo;
    expect(!profile.data.error && typeof photo === 'string' && photo.startsWith(`${emulator.url}/files/avatar/`), `profile: avatar not updated: ${profile.data.error}`);
    expect(zh.mp.uploads.length === 1 && zh.mp.uploads[0].bytes.equals(AVATAR), 'profile: the chosen file was not uploaded');
    await profile.onSave(zh.submit({ nickname: '  小明 ' }));
    expect(!profile.data.error && profile.data.user.nickname === '小明', `profile: nickname not saved: ${profile.data.error}`);
    say('profile', `avatar uploaded → photo ${new URL(photo).pathname}; nickname saved: ${profile.data.user.nickname} ("${profile.data.saved}")`);
    await profile.onSaveFields(zh.submit({ school: '清华大学', age: '20' }));
    expect(!profile.data.error, `profile: custom fields not saved: ${profile.data.error}`);
    const fields = profile.data.fields.map((f) => `${f.label} = ${f.text}`).join(', ');
    const udv = emulator.users().find((u) => u.id === account.id).udv;
    expect(fields === '学校 = 清华大学, 年龄 = 20' && udv.school === '清华大学' && udv.age === '20', `profile: custom fields: page ${fields}, GenAuth ${JSON.stringify(udv)}`);
    say('profile', `custom fields set: ${fields} ("${profile.data.saved}")`);

    // ---- errors, in the user's language ------------------------------------------------------
    emulator.injectFault({ path: '/graphql/v2', kind: 'http500html' });
    await profile.onSave(zh.submit({ nickname: '小红' }));
    const zhError = profile.data.error;
    expect(/^服务器错误.*请稍后重试$/.test(zhError), `errors: zh_CN page shows ${JSON.stringify(zhError)}`);
    await profile.onSave(zh.submit({ nickname: '小红' })); // the user taps again
    expect(!profile.data.error && profile.data.user.nickname === '小红', 'errors: the second tap did not save');
    say('errors', `zh_CN, profile page, GenAuth answers HTTP 500 on save: the page shows "${zhError}"; tapped again: "${profile.data.saved}"`);

    const en = launch('visitor', 'en');
    const enIndex = await en.mp.loadPageAsync('pages/index/index');
    expect(enIndex.data.user && !enIndex.data.error, `errors: the en launch did not log in: ${enIndex.data.error}`);
    const enPhone = await en.mp.loadPageAsync('pages/phone/phone');
    await enPhone.onPhone(en.event({ errMsg: 'getPhoneNumber:fail privacy permission is not authorized', errno: 104 }));
    const privacy = enPhone.data.error;
    expect(enPhone.data.needsPrivacy && /^The user has not accepted the privacy agreement/.test(privacy) && !/try again/i.test(privacy), `errors: en privacy: ${JSON.stringify(privacy)}`);
    const enProfile = await en.mp.loadPageAsync('pages/profile/profile');
    emulator.injectFault({ path: '/graphql/v2', kind: 'drop' });
    await enProfile.onSaveFields(en.submit({ school: 'MIT', age: '' }));
    const enError = enProfile.data.error;
    expect(/^Network request failed.*Please try again later\.$/.test(enError), `errors: en page shows ${JSON.stringify(enError)}`);
    say('errors', `en, phone page, privacy guide not accepted: the page shows "${privacy}" and the "${enPhone.data.t.agreePrivacy}" button`);
    say('errors', `en, profile page, the connection drops on save: the page shows "${enError}"`);

    // ---- logout -----------------------------------------------------------------------------
    await index.onShow(); // back on the index page
    expect(index.data.user.nickname === '小红' && index.data.user.phone === PHONE, 'logout: the index page did not refresh the user');
    const { AuthenticationClient } = zh.mp.require('genauth-wxapp-sdk');
    const token = zh.mp.storage.get(`genauth:${APP_ID}:token`);
    mark = emulator.requests.length;
    await index.onLogout();
    expect(!index.data.error && index.data.user === null, `logout: ${index.data.error || 'the page still shows the user'}`);
    expect(!storedToken(zh.mp) && since(mark).includes('GET /api/v2/logout'), 'logout: the session was not ended');
    const verdict = await new AuthenticationClient({ appId: APP_ID, host: emulator.url }).checkLoginStatus(JSON.parse(token));
    expect(verdict.status === false, 'logout: GenAuth still accepts the old token');
    say('logout', `logged out ${account.id}: the index page shows "${index.data.t.login}" again, storage holds no session, GenAuth refuses the old token`);
    emulator.injectFault({ path: '/api/v2/logout', kind: 'drop' });
    await enIndex.onLogout();
    expect(!enIndex.data.error && enIndex.data.user === null && !storedToken(en.mp), `logout: offline logout: ${enIndex.data.error}`);
    say('logout', 'en, GenAuth unreachable (LOGGED_OUT_LOCALLY): logged out on this device, no error shown');

    return {
      lines,
      account,
      index: shown.index,
      phone: shown.phone,
      profile: snapshot(profile.data),
      udv,
      errors: { zh: zhError, en: enError, privacy },
      logout: { zh: snapshot(index.data), en: snapshot(enIndex.data) },
    };
  } finally {
    for (const mp of programs) mp.close();
    await emulator.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

module.exports = { walkDemo, DemoFailure };

if (require.main === module) {
  walkDemo({ log: (line) => console.log(line) }).then(
    () => console.log('every page did what it should'),
    (error) => {
      console.error(error instanceof DemoFailure ? `demo failed: ${error.message}` : error);
      process.exit(1);
    },
  );
}
