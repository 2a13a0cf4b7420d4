#!/usr/bin/env node
// The cdktf app: builds main.ts with esbuild (scripts/build-app.cjs) and runs it in this process.
// cdktf.json runs it for `cdktf synth`; `npm run synth` runs it directly, without the cdktf CLI, for
// pipelines that run terraform themselves in cdktf.out/stacks/<stack>.
const fs = require('node:fs');
const path = require('node:path');
const { buildApp } = require('./build-app.cjs');

/** As `cdktf synth` does: a stack no longer synthesized loses its folder, so nothing stale is planned. */
function pruneStaleStacks(outdir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const synthesized = new Set(Object.values(manifest.stacks).map((stack) => path.basename(stack.workingDirectory)));
  for (const entry of fs.readdirSync(path.join(outdir, 'stacks'))) {
    if (!synthesized.has(entry)) fs.rmSync(path.join(outdir, 'stacks', entry), { recursive: true, force: true });
  }
}

/** Run directly (the cdktf CLI reports for itself), the last line says what the synth wrote and where. */
function reportWritten(outdir) {
  if (process.env.CDKTF_CONTEXT_JSON !== undefined) return;
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const names = Object.keys(manifest.stacks);
  const relative = path.relative(process.cwd(), outdir);
  const folder = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : outdir;
  process.stdout.write(`Wrote ${names.length} ${names.length === 1 ? 'stack' : 'stacks'} to ${folder}: ${names.join(', ')}\n`);
}

buildApp().then((app) => {
  require(app);
  // A refused synth wrote nothing, and leaves cdktf.out as it was.
  if (process.exitCode) return;
  const outdir = path.resolve(process.env.CDKTF_OUTDIR || 'cdktf.out');
  pruneStaleStacks(outdir);
  reportWritten(outdir);
});
