#!/usr/bin/env node
'use strict';
// The command-line tool runs from a bundle of its TypeScript sources that esbuild builds into .build/ on
// the first run and again after a source file changes (scripts/build-app.cjs): a fresh checkout works
// after `npm ci` with no build step.
const { main } = require('../scripts/build-app.cjs').loadTool('cli/main.ts');

main(process.argv.slice(2)).then((exitCode) => {
  process.exitCode = exitCode;
});
