#!/usr/bin/env node
// The cdktf app: builds main.ts with esbuild (scripts/build-app.cjs) and runs it in this process.
// cdktf.json runs it for `cdktf synth`; `npm run synth` runs it directly, without the cdktf CLI, for
// pipelines that run terraform themselves in cdktf.out/stacks/<stack>.
const fs = require('node:fs');
const path = require('node:path');
const { buildApp } = require('./build-app.cjs');

/**
 * As `cdktf synth` does: a stack no longer synthesized loses its folder, so nothing stale is planned.
 * Run by the cdktf CLI (which sets CDKTF_CONTEXT_JSON), the app leaves this to the CLI: the CLI lists
 * the folders before it runs the app and removes the stale ones after, and fails on one already gone.
 */
function pruneStaleStacks(outdir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const synthesized = new Set(Object.values(manifest.stacks).map((stack) => path.basename(stack.workingDirectory)));
  for (const entry of fs.readdirSync(path.join(outdir, 'stacks'))) {
    if (!synthesized.has(entry)) fs.rmSync(path.join(outdir, 'stacks', entry), { recursive: true, force: true });
  }
}

buildApp().then((app) => {
  require(app);
  // A refused synth wrote nothing, and leaves cdktf.out as it was.
  const runByCdktfCli = process.env.CDKTF_CONTEXT_JSON !== undefined;
  if (!process.exitCode && !runByCdktfCli) pruneStaleStacks(path.resolve(process.env.CDKTF_OUTDIR || 'cdktf.out'));
});
