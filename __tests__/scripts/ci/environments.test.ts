import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ciMain } from '../../../scripts/ci/main';
import { configWith, minimalStack } from '../../helpers/config';
import { threeEnvironments } from '../../helpers/environments';
import { synthConfig } from '../../helpers/synth';

// `key-insight-ci environments`: the deploy and drift jobs' matrix, one entry per configured environment.

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function environments(config: unknown, env: NodeJS.ProcessEnv = {}, args: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'ki-environments-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const githubOutput = join(dir, 'github-output');
  writeFileSync(githubOutput, '');
  const out = { stdout: '', stderr: '' };
  const exitCode = await ciMain(['environments', ...args], { KEY_INSIGHT_CONFIG: join(dir, 'config.json'), GITHUB_OUTPUT: githubOutput, ...env }, {
    stdout: (text) => (out.stdout += text),
    stderr: (text) => (out.stderr += text),
  });
  return { exitCode, ...out, githubOutput: readFileSync(githubOutput, 'utf8') };
}

describe('the environments matrix', () => {
  it('lists every environment with all its stacks, as the real synth names them, when STACKS is unset', async () => {
    const synthesized = Object.keys(synthConfig(threeEnvironments())).sort();

    const run = await environments(threeEnvironments());

    expect(run.exitCode).toBe(0);
    const matrix = JSON.parse(run.stdout);
    expect(matrix).toEqual({
      include: [
        { environment: 'ki-preview', stacks: 'ki-preview ki-preview-secret' },
        { environment: 'ki-prod', stacks: 'ki-prod ki-prod-111111111111 ki-prod-222222222222 ki-prod-333333333333 ki-prod-secret' },
        { environment: 'ki-hcp', stacks: 'ki-hcp ki-hcp-444444444444 ki-hcp-secret' },
      ],
    });
    expect(matrix.include.flatMap((entry: { stacks: string }) => entry.stacks.split(' ')).sort()).toEqual(synthesized);
    expect(run.stderr).toBe('');
  });

  it('writes the same JSON as the step output matrix', async () => {
    const run = await environments(threeEnvironments(), { STACKS: 'ki-hcp' });

    expect(run.stdout).toBe('{"include":[{"environment":"ki-hcp","stacks":"ki-hcp"}]}\n');
    expect(run.githubOutput).toBe('matrix={"include":[{"environment":"ki-hcp","stacks":"ki-hcp"}]}\n');
  });

  it('keeps only the environments of which STACKS selects a stack, each with only the selected stacks, as cdktf matches patterns', async () => {
    const run = await environments(threeEnvironments(), { STACKS: 'ki-prod-2* ki-hcp*' });

    expect(JSON.parse(run.stdout)).toEqual({
      include: [
        { environment: 'ki-prod', stacks: 'ki-prod-222222222222' },
        { environment: 'ki-hcp', stacks: 'ki-hcp ki-hcp-444444444444 ki-hcp-secret' },
      ],
    });
  });

  it('refuses a pattern that matches no stack of any environment, with exit code 2 and no output', async () => {
    const run = await environments(threeEnvironments(), { STACKS: 'ki-prod ki-stage*' });

    expect(run).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'key-insight-ci environments: no stack matches "ki-stage*" (stacks: ki-preview, ki-preview-secret, ki-prod, ki-prod-111111111111, ki-prod-222222222222, ki-prod-333333333333, ki-prod-secret, ki-hcp, ki-hcp-444444444444, ki-hcp-secret)\n',
      githubOutput: '',
    });
  });

  it('leaves out environments whose state is a local file with --remote-state, saying so', async () => {
    const run = await environments(threeEnvironments(), {}, ['--remote-state']);

    expect(JSON.parse(run.stdout).include.map((entry: { environment: string }) => entry.environment)).toEqual(['ki-prod', 'ki-hcp']);
    expect(run.stderr).toBe('::notice::not listed: ki-preview: its state is a local file, which no CI job holds\n');
  });

  it('fails with --remote-state when every selected environment keeps local state, writing no matrix', async () => {
    const run = await environments(configWith(minimalStack({ name: 'ki-dev' })), {}, ['--remote-state']);

    expect(run).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: '::notice::not listed: ki-dev: its state is a local file, which no CI job holds\n::error::no environment is left to run: every environment STACKS selects keeps its state in a local file\n',
      githubOutput: '',
    });
  });

  it('refuses an argument, naming the options it takes', async () => {
    const run = await environments(threeEnvironments(), {}, ['ki-prod']);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('key-insight-ci environments: takes no arguments, but was given "ki-prod" (options: --help, --remote-state)\n');
  });
});
