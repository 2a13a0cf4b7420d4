/**
 * Which jobs of the GitHub Actions workflows hold secrets, read from every file in .github/workflows:
 * a job that a pull request can start holds none but GITHUB_TOKEN unless it runs in a GitHub
 * environment (whose required reviewers a maintainer controls); the deploy and drift jobs take their
 * secrets from environments of their own; and docs/ci.md names, for each environment, exactly the
 * secrets its jobs read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './helpers/config';
import { WORKFLOWS_DIR, type Workflow } from './helpers/workflow';

/** The events whose runs execute a pull request's branch or act on its behalf. */
const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target'];

/**
 * The secrets a job reads: `secrets.NAME` and `secrets['NAME']` anywhere in it (env, with, run, if),
 * and `secrets: inherit` or `toJSON(secrets)`, which hand over every secret (named `*`).
 */
function secretsOf(job: unknown): string[] {
  const text = JSON.stringify(job);
  const named = [...text.matchAll(/\bsecrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*\\?["']([^"'\\]+)\\?["']\s*\])/g)].map((match) => match[1] ?? match[2]!);
  const all = /"secrets":"inherit"|\(\s*secrets\s*\)/.test(text) ? ['*'] : [];
  return [...new Set([...named, ...all])].sort();
}

function triggers(workflow: Workflow): string[] {
  const on = workflow.on as unknown;
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  return Object.keys(on ?? {});
}

/**
 * `<job>: <secrets>` for every job that a pull request can start (whatever its `if:`, which a branch
 * can rewrite) and that reads a secret other than GITHUB_TOKEN without naming an environment.
 */
function ungatedPullRequestSecrets(workflow: Workflow): string[] {
  if (!triggers(workflow).some((event) => PULL_REQUEST_EVENTS.includes(event))) return [];
  return Object.entries(workflow.jobs).flatMap(([jobId, job]) => {
    const secrets = secretsOf(job).filter((name) => name !== 'GITHUB_TOKEN');
    return secrets.length === 0 || job.environment !== undefined ? [] : [`${jobId}: ${secrets.join(', ')}`];
  });
}

const files = readdirSync(WORKFLOWS_DIR).filter((file) => /\.ya?ml$/.test(file)).sort();
const texts = Object.fromEntries(files.map((file) => [file, readFileSync(join(WORKFLOWS_DIR, file), 'utf8')]));
const parseWorkflow = (text: string) => parse(text, { uniqueKeys: true }) as Workflow;
const workflows = Object.fromEntries(files.map((file) => [file, parseWorkflow(texts[file]!)]));
const jobs = Object.values(workflows).flatMap((workflow) => Object.entries(workflow.jobs));

describe('secrets in the workflows', () => {
  it('reads the two workflows of the project', () => {
    expect(files).toEqual(['key-insight-drift.yml', 'key-insight.yml']);
  });

  it.each(files)('%s gives no job a pull request can start a secret but GITHUB_TOKEN outside an environment', (file) => {
    expect(ungatedPullRequestSecrets(workflows[file]!)).toEqual([]);
  });

  it('finds the plan job once it leaves its environment, so the check above cannot pass by default', () => {
    const text = texts['key-insight.yml']!;
    const ungated = text.replace('\n    environment: key-insight-plan\n', '\n');
    expect(ungated).not.toBe(text);

    expect(ungatedPullRequestSecrets(parseWorkflow(ungated))).toEqual(['plan: OKTA_PLAN_API_PRIVATE_KEY, TF_PLAN_API_TOKEN']);
  });

  it.each([
    ['reports a secret in a script', "      - run: echo ${{ secrets['SOME_TOKEN'] }}\n", ['test: SOME_TOKEN']],
    ['reports every secret handed over as JSON', '      - run: npx some-tool\n        env:\n          ALL: ${{ toJSON(secrets) }}\n', ['test: *']],
    ['reports nothing for GITHUB_TOKEN', '      - run: npx some-tool\n        env:\n          GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n', []],
  ])('%s, added to the test job that every pull request runs', (_what, step, expected) => {
    const text = texts['key-insight.yml']!;
    const changed = text.replace('      - run: npx cdktf synth\n\n  plan:', `      - run: npx cdktf synth\n${step}\n  plan:`);
    expect(changed).not.toBe(text);

    expect(ungatedPullRequestSecrets(parseWorkflow(changed))).toEqual(expected);
  });

  it('counts a reusable workflow called with every secret', () => {
    const workflow = { on: ['pull_request'], jobs: { call: { uses: './.github/workflows/other.yml', secrets: 'inherit' } } } as unknown as Workflow;

    expect(ungatedPullRequestSecrets(workflow)).toEqual(['call: *']);
  });

  it('runs the plan job in an environment of its own, the deploy and drift jobs in one per configured environment, and the tests and lists in none', () => {
    expect(jobs.map(([jobId, job]) => [jobId, job.environment ?? null])).toEqual([
      ['environments', null],
      ['drift', 'key-insight-drift-${{ matrix.environment }}'],
      ['test', null],
      ['plan', 'key-insight-plan'],
      ['environments', null],
      ['deploy', 'key-insight-deploy-${{ matrix.environment }}'],
    ]);
  });

  it('gives the jobs that list the environments no secret', () => {
    expect(jobs.filter(([jobId]) => jobId === 'environments').map(([, job]) => secretsOf(job))).toEqual([[], []]);
  });

  it('has docs/ci.md name, for each environment, exactly the secrets its job reads', () => {
    const rows = readFileSync(join(ROOT, 'docs', 'ci.md'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('| `key-insight'))
      .map((line) => line.split('|').map((cell) => cell.trim()));
    const documented = Object.fromEntries(rows.map((cells) => [cells[1]!.replace(/`/g, ''), [...cells[5]!.matchAll(/`([A-Z0-9_]+)`/g)].map((match) => match[1]!).sort()]));

    // docs/ci.md writes an environment named after the matrix entry as key-insight-deploy-<env>.
    const asDocumented = (environment: string) => environment.replace('${{ matrix.environment }}', '<env>');
    expect(documented).toEqual(Object.fromEntries(jobs.filter(([, job]) => job.environment !== undefined).map(([, job]) => [asDocumented(job.environment!), secretsOf(job)])));
    expect(documented['key-insight-plan']).toEqual(['OKTA_PLAN_API_PRIVATE_KEY', 'TF_PLAN_API_TOKEN']);
  });
});
