// testing/index.d.ts: a typical test of a login page compiles under --strict (types.test.js).
import { startEmulator, createMockWx, Emulator, MockWx } from 'genauth-wxapp-sdk/testing';
import { AuthenticationClient } from 'genauth-wxapp-sdk';

declare const global: { wx: MockWx };

export async function myLoginPageTest(): Promise<void> {
  const emu: Emulator = await startEmulator({ port: 0 });
  global.wx = createMockWx({ emulator: emu, person: 'alice', storage: new Map(), language: 'en_US' });
  global.wx.mock.planLogin({ person: 'bob' }, { fail: 'network error' }, { never: true });
  global.wx.mock.planChoose({ cancel: true }, {});
  const code: string = emu.mintCode('alice');
  const sealed: { iv: string; encryptedData: string } = emu.encryptPhone(code, '13800000000');
  emu.fault({ kind: 'delay', delayMs: 100, times: 2 });
  emu.fault({ kind: 'answer', status: 429, body: { code: 2100 }, path: '/graphql/v2' });
  emu.fault({ kind: 'http500' });
  const sms: string | null = emu.lastSmsCode('13800000000');
  const seeded: string = emu.seedUser({ email: 'bob@example.com', password: 'Passw0rd!' }).id;
  const client = new AuthenticationClient({ appId: emu.appId, host: emu.url });
  const user = await client.loginByPhone(global.wx.mock.phoneNumberDetail('13800000000'));
  const paths: string[] = emu.requests().map((request) => request.path);
  global.wx.mock.close();
  await emu.close();
  void [sealed, sms, seeded, user.id, paths];
}
