#!/usr/bin/env node
// The cdktf app: bundles main.ts with esbuild (no type-check; that is `npm run typecheck`) and runs
// the bundle in this process. cdktf.json runs it for `cdktf synth`; `npm run synth` runs it directly,
// without the cdktf CLI, for pipelines that run terraform themselves in cdktf.out/stacks/<stack>.
const fs = require('node:fs');
const path = require('node:path');
const { buildApp } = require('./build-app.cjs');

require(buildApp());

// As `cdktf synth` does: a stack that is no longer synthesized loses its folder, so that nothing
// stale is planned. State never lives there (see lib/backend.ts).
const outdir = path.resolve(process.env.CDKTF_OUTDIR || 'cdktf.out');
const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
const synthesized = new Set(Object.values(manifest.stacks).map((stack) => path.basename(stack.workingDirectory)));
for (const entry of fs.readdirSync(path.join(outdir, 'stacks'))) {
  if (!synthesized.has(entry)) fs.rmSync(path.join(outdir, 'stacks', entry), { recursive: true, force: true });
}
