#!/usr/bin/env node
// The cdktf app: bundles main.ts with esbuild (no type-check; that is `npm run typecheck`) and runs
// the bundle in this process. cdktf.json runs this; so does `npm run synth`.
const { buildApp } = require('./build-app.cjs');

require(buildApp());
