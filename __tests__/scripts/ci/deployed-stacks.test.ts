import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { parseConfig } from '../../../lib/config';
import { addEnvironments } from '../../../lib/key-insight-app';
import { ciMain } from '../../../scripts/ci/main';
import { configWith, minimalStack } from '../../helpers/config';

// `key-insight-ci deployed-stacks`, the stacks the drift job's status step reads the outputs of: on what the real synth writes.

const dir = mkdtempSync(join(tmpdir(), 'ki-deployed-stacks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const app = new App({ outdir: join(dir, 'cdktf.out'), stackTraces: false, skipValidation: true });
addEnvironments(
  app,
  parseConfig(
    configWith(
      minimalStack({ name: 'ki-s3', aws: { region: 'eu-west-1', accounts: [{ accountId: '111111111111' }] }, backend: { type: 's3', bucket: 'acme-tf-state', keyPrefix: 'key-insight', region: 'eu-west-1' } }),
      minimalStack({ name: 'ki-hcp', backend: { type: 'cloud', organization: 'acme' } }),
      minimalStack({ name: 'ki-local' }),
    ),
  ),
);
app.synth();

async function deployedStacks(env: NodeJS.ProcessEnv) {
  const out = { stdout: '', stderr: '' };
  const exitCode = await ciMain(['deployed-stacks'], { CDKTF_OUTDIR: app.outdir, ...env }, { stdout: (text) => (out.stdout += text), stderr: (text) => (out.stderr += text) });
  return { exitCode, ...out };
}

it('names every stack with remote state but the <env>-secret ones when STACKS is unset', async () => {
  const run = await deployedStacks({});

  expect(run.exitCode).toBe(0);
  expect(run.stdout.trim().split(' ').sort()).toEqual(['ki-hcp', 'ki-s3', 'ki-s3-111111111111']);
});

it('names only the stacks STACKS selects, as one environment job of the drift workflow sets it', async () => {
  const run = await deployedStacks({ STACKS: 'ki-s3 ki-s3-111111111111 ki-s3-secret' });

  expect(run).toEqual({ exitCode: 0, stdout: 'ki-s3 ki-s3-111111111111\n', stderr: '' });
});
