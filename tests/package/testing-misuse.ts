// testing/index.d.ts refuses misuse: every line marked `// misuse: …` has an error, no other
// line has one (types.test.js).
import { startEmulator, createMockWx } from 'genauth-wxapp-sdk/testing';

export async function misuses(): Promise<void> {
  const emu = await startEmulator();
  await startEmulator({ port: '80' }); // misuse: a port as text
  createMockWx({}); // misuse: no emulator
  emu.fault({ kind: 'teapot' }); // misuse: an unknown fault kind
  emu.fault({ kind: 'delay' }); // misuse: a delay without delayMs
  emu.fault({ kind: 'answer' }); // misuse: an answer without status
  emu.mintCode(7); // misuse: a person as a number
  const code: number = emu.mintCode(); // misuse: a code is a string
  const wx = createMockWx({ emulator: emu });
  wx.mock.planLogin({ code: 1 }); // misuse: a code as a number
  wx.mock.setPerson(); // misuse: no person
  const sms: string = emu.lastSmsCode('13800000000'); // misuse: maybe null
  void [code, sms];
}
