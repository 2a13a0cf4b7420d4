#!/usr/bin/env node
'use strict';
// The command-line tool runs from its TypeScript sources: tsx compiles each file on first load and
// caches the result, so a fresh checkout works after `npm ci` with no build step.
require('tsx/cjs');
const { main } = require('../cli/main.ts');

main(process.argv.slice(2)).then((exitCode) => {
  process.exitCode = exitCode;
});
