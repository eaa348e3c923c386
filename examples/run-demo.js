'use strict';
// The README's first command ends here: it runs examples/miniprogram's login page in the
// strict WeChat sandbox (tests/sandbox) against the bundled emulator (tests/emulator) and
// prints the user GenAuth returned. `./build.sh demo` builds pkg/ first.
const fs = require('fs');
const path = require('path');
const { startEmulator } = require('../tests/emulator');
const { createMiniProgram } = require('../tests/sandbox');
const { makeCodePackage } = require('../tests/package/code-package');

const EXAMPLE = path.join(__dirname, 'miniprogram');

async function main() {
  const emulator = await startEmulator();
  const { appid } = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'project.config.json'), 'utf8'));
  // The example's own config, pointed at the emulator instead of https://core.genauth.ai.
  const root = makeCodePackage({
    project: EXAMPLE,
    files: {
      'config.js': `module.exports = { appId: 'GEN_AUTH_APP_ID', host: ${JSON.stringify(emulator.url)} };\n`,
    },
  });
  const mp = createMiniProgram({
    root,
    wechatAppId: appid,
    login: async (wechatAppId) => emulator.mintCode(wechatAppId, 'demo-user'),
  });
  try {
    console.log(`emulator: ${emulator.url}   mini program: ${appid}   code package: ${root}`);
    const page = await mp.loadPageAsync('pages/index/index');
    console.log(`page loaded, logged in: ${page.data.user !== null}`);
    console.log('tap "微信一键登录" …');
    await page.onLogin();
    if (page.data.error || !page.data.user) {
      throw new Error(`login failed: ${page.data.error || 'no user'}`);
    }
    const { id, nickname, userPoolId, openid, unionid, loginsCount } = page.data.user;
    console.log('logged in as:', { id, nickname, userPoolId, openid, unionid, loginsCount });
    const calls = emulator.requests.map((r) => `${r.method} ${r.path}`);
    console.log('requests the SDK made:', calls);
  } finally {
    mp.close();
    await emulator.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
