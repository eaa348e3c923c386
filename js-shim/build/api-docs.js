'use strict';
// API.md, the API reference, generated from the typings (pkg-template/index.d.ts and
// testing.d.ts) by typedoc with its markdown plugin (dev dependencies), one section per
// module. Usage: node js-shim/build/api-docs.js [OUT]   (default: API.md at the root).
// tests/package/api-docs.test.js checks the committed file is what this makes.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const MODULES = [
  { file: 'index.d.ts', page: 'index.md', name: 'genauth-wxapp-sdk' },
  { file: 'testing.d.ts', page: 'testing.md', name: 'genauth-wxapp-sdk/testing' },
];

/** The text of API.md for the typings as they are now. */
function generate() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'genauth-api-docs-'));
  try {
    // The typings alone: no @types/* of the dev dependencies, no DOM.
    const tsconfig = path.join(out, 'tsconfig.json');
    const files = MODULES.map((module) => path.join(ROOT, 'pkg-template', module.file));
    fs.writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { strict: true, types: [], lib: ['es2020'], noEmit: true }, files }));
    const site = path.join(out, 'site');
    const args = ['--plugin', 'typedoc-plugin-markdown', '--tsconfig', tsconfig, '--out', site, '--outputFileStrategy', 'modules', '--readme', 'none'];
    for (const module of MODULES) args.push('--entryPoints', path.join(ROOT, 'pkg-template', module.file));
    args.push('--disableSources', '--hidePageHeader', '--hideBreadcrumbs', '--logLevel', 'Warn');
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'typedoc'), args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    const parts = [
      '# API reference',
      '',
      'Generated from `pkg-template/index.d.ts` and `pkg-template/testing.d.ts` by typedoc',
      '(`node js-shim/build/api-docs.js`); do not edit by hand. The README explains how the',
      'pieces are used together.',
      '',
    ];
    for (const module of MODULES) {
      const text = fs.readFileSync(path.join(site, module.page), 'utf8');
      // typedoc's page title ("# index") becomes the module's section; other headings move
      // one level down (Markdown stops at six: deeper ones stay at six).
      const body = text
        .replace(/^# .*\n+/, '')
        .replace(/^(#{1,5}) /gm, '#$1 ')
        .trim();
      parts.push(`## ${module.name}`, '', body, '');
    }
    return parts.join('\n');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const target = process.argv[2] || path.join(ROOT, 'API.md');
  fs.writeFileSync(target, generate());
}

module.exports = { generate, MODULES };
