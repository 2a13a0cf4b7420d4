const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const defaultOutfile = path.join(root, '.build', 'main.cjs');

/** Bundles main.ts and what it imports into one CommonJS file; returns the file's path. */
function buildApp(outfile = defaultOutfile) {
  esbuild.buildSync({
    entryPoints: [path.join(root, 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'error',
    legalComments: 'none',
  });
  return outfile;
}

module.exports = { buildApp };
