#!/usr/bin/env node
'use strict';
// The workflow's steps (.github/workflows/*.yml) as project commands, from a bundle of their TypeScript
// sources, as bin/key-insight.cjs runs the CLI.
const { ciMain } = require('../scripts/build-app.cjs').loadTool('scripts/ci/main.ts');

ciMain(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then((exitCode) => {
  process.exitCode = exitCode;
});
