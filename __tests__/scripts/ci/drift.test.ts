import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { parseConfig } from '../../../lib/config';
import { addEnvironments } from '../../../lib/key-insight-app';
import { driftCommand } from '../../../scripts/ci/drift';
import { configWith, minimalStack } from '../../helpers/config';

// `key-insight-ci drift` where every selected stack is skipped, so that no Terraform runs: on what the real synth writes.

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Synthesizes a configuration into <temporary folder>/cdktf.out, with no state file beside it. */
function synthesized(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'ki-drift-'));
  dirs.push(dir);
  const app = new App({ outdir: join(dir, 'cdktf.out'), stackTraces: false, skipValidation: true });
  addEnvironments(app, parseConfig(config));
  app.synth();
  return app.outdir;
}

async function drift(env: NodeJS.ProcessEnv) {
  const out = { stdout: '', stderr: '' };
  const exitCode = await driftCommand(env, { stdout: (text) => (out.stdout += text), stderr: (text) => (out.stderr += text) });
  return { exitCode, ...out };
}

it('fails, naming every stack it skipped, when it could check none: no drift found is not no drift', async () => {
  const outdir = synthesized(
    configWith(minimalStack({ name: 'ki-dev' }), minimalStack({ name: 'ki-hcp', backend: { type: 'cloud', organization: 'acme' } })),
  );

  const run = await drift({ CDKTF_OUTDIR: outdir, STACKS: 'ki-dev ki-hcp ki-hcp-secret' });

  expect(run).toEqual({
    exitCode: 1,
    stdout:
      '::notice::not checked: ki-dev: its state is a local file (../../../terraform.ki-dev.tfstate) that is not on this machine\n' +
      '::notice::not checked: ki-hcp: its state is in HCP Terraform: set TF_PLAN_API_TOKEN to check it\n' +
      '::notice::not checked: ki-hcp-secret: it holds the client secret, which the plan role and token may not read\n' +
      '::error::Checked no stack, so drift is unknown: every stack STACKS selects was skipped (ki-dev, ki-hcp, ki-hcp-secret; the notices above say why).\n',
    stderr: '',
  });
});
