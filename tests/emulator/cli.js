#!/usr/bin/env node
'use strict';
// node tests/emulator/cli.js [--port N] [--host 127.0.0.1]
// Starts the emulator, prints one line with its URL, and runs until SIGINT or SIGTERM.

const { startEmulator } = require('./index');

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i += 1) {
    const match = /^--(port|host)(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new Error('unknown argument ' + argv[i] + ' (usage: cli.js [--port N] [--host 127.0.0.1])');
    const value = match[2] !== undefined ? match[2] : argv[++i];
    if (value === undefined) throw new Error('--' + match[1] + ' needs a value');
    if (match[1] === 'port') {
      if (!/^\d+$/.test(value) || Number(value) > 65535) throw new Error('--port must be 0..65535');
      options.port = Number(value);
    } else {
      options.host = value;
    }
  }
  return options;
}

async function main() {
  const emulator = await startEmulator(parseArgs(process.argv.slice(2)));
  process.stdout.write('genauth emulator listening on ' + emulator.url + '\n');
  const stop = () => emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write('genauth emulator: ' + err.message + '\n');
  process.exit(1);
});
