#!/usr/bin/env node
// `npm run bench`: how fast and how lean this project's synth is, measured side by side with the
// same stack written as `cdktf init --template=typescript` would set it up, how the app grows with
// AWS accounts and environments, and how long the tests take. Writes docs/benchmarks.md.
//
//   npm run bench                                   5 rounds, 3 runs of each test command (both tiers and test:unit)
//   npm run bench -- --quick                        1 round, 1 test run; prints, writes nothing
//   npm run bench -- --no-write                     all rounds; prints, writes nothing
//   npm run bench -- --rounds=7 --test-runs=1       (or BENCH_ROUNDS=7 BENCH_TEST_RUNS=1)
//   npm run bench -- --no-organization              leaves out the organization's 100 per-account plans
//
// docs/benchmarks.md names the commit it measured, so it is written only from a clean checkout
// (no uncommitted or untracked changes), and only if the checkout is still that commit and clean
// when the run ends; otherwise the benchmark refuses before measuring anything.
//
// The synth commands run in a temporary folder that links the installed node_modules: a copy of the
// working tree (so the repository's cdktf.out and .build are left alone) and the two baselines.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBaseline } from './bench/baseline.mjs';
import { requireCleanCommit } from './bench/checkout.mjs';
import { describeMachine } from './bench/machine.mjs';
import { hasGnuTime, measure } from './bench/measure.mjs';
import { measureOrganization, renderOrganization } from './bench/organization.mjs';
import { formatKib, formatSeconds, renderReport } from './bench/report.mjs';
import { stackCount, summarizeResourceSet } from './bench/resource-set.mjs';
import { linearFit, median } from './bench/stats.mjs';

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nodeModules = join(projectDir, 'node_modules');
const reportFile = join(projectDir, 'docs', 'benchmarks.md');

const ACCOUNT_COUNTS = [1, 10, 100, 200, 1000];
const ENVIRONMENT_COUNTS = [1, 10, 50];

function parseOptions(argv) {
  const flags = ['--quick', '--no-write', '--no-organization'];
  const unknown = argv.filter((arg) => !flags.includes(arg) && !/^--(rounds|test-runs)=/.test(arg));
  if (unknown.length > 0) {
    throw new Error(`unknown arguments ${unknown.join(' ')}; allowed: --quick, --no-write, --no-organization, --rounds=N, --test-runs=N`);
  }
  const quick = argv.includes('--quick');
  const count = (flag, envName, fallback) => {
    const arg = argv.find((a) => a.startsWith(`--${flag}=`));
    const raw = arg ? arg.slice(flag.length + 3) : process.env[envName];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`--${flag} (${envName}) is set to ${raw}, but must be a whole number of at least 1`);
    }
    return value;
  };
  return {
    quick,
    write: !quick && !argv.includes('--no-write'),
    organization: !argv.includes('--no-organization'),
    rounds: count('rounds', 'BENCH_ROUNDS', quick ? 1 : 5),
    testRuns: count('test-runs', 'BENCH_TEST_RUNS', quick ? 1 : 3),
  };
}

function log(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Copies the working tree as git sees it (tracked and untracked files, nothing ignored). */
function copyWorkingTree(dest) {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: projectDir,
    encoding: 'utf8',
  });
  if (listed.status !== 0) {
    throw new Error(`the benchmark copies the working tree with git ls-files, which failed: ${listed.stderr}`);
  }
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    // Tracked files deleted in the working tree are still listed.
    if (!existsSync(join(projectDir, file))) continue;
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    copyFileSync(join(projectDir, file), join(dest, file));
  }
  symlinkSync(nodeModules, join(dest, 'node_modules'), 'dir');
}

function environment(name, accounts) {
  return {
    name,
    okta: { authorizationServer: { audience: 'api://ki' }, scopes: [{ name: 'ki.scan' }] },
    aws: { region: 'us-east-1', ...(accounts ? { accounts } : {}) },
  };
}

function accountsConfig(count) {
  const accounts = Array.from({ length: count }, (_, index) => ({ accountId: String(100000000001 + index) }));
  return { stacks: [environment('ki-bench', accounts)] };
}

function environmentsConfig(count) {
  return { stacks: Array.from({ length: count }, (_, index) => environment(`ki-bench-${index + 1}`)) };
}

/** The folders, files and environment every measurement uses. */
function prepare(work) {
  const emptyTerraformConfig = join(work, 'terraform.rc');
  writeFileSync(emptyTerraformConfig, '');
  // The environment of a plain shell: no npm_* variables from `npm run`, no inherited outdir or config.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_')));
  delete env.CDKTF_OUTDIR;
  delete env.KEY_INSIGHT_CONFIG;
  Object.assign(env, { CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: emptyTerraformConfig, npm_config_update_notifier: 'false' });

  const ctx = {
    work,
    env,
    project: join(work, 'project'),
    baselines: { deep: join(work, 'baseline-deep'), root: join(work, 'baseline-root') },
    scratch: join(work, 'scratch'),
    bundle: join(work, 'prebuilt', 'main.cjs'),
    freshOutdir: join(work, 'out'),
    floorScript: join(work, 'floor.cjs'),
  };
  for (const dir of [ctx.project, ...Object.values(ctx.baselines), ctx.scratch]) mkdirSync(dir);
  copyWorkingTree(ctx.project);
  const shippedConfig = JSON.parse(readFileSync(join(ctx.project, 'key-insight.config.json'), 'utf8'));
  for (const [style, dir] of Object.entries(ctx.baselines)) {
    writeBaseline({ dir, style, config: shippedConfig, nodeModules });
  }
  writeFileSync(ctx.floorScript, "require('node:fs').writeFileSync(process.argv[2], JSON.stringify({ ok: true }));\n");
  return ctx;
}

/** Runs a command and fails the benchmark if it fails: a number from a failed synth means nothing. */
async function runChecked(ctx, spec) {
  const result = await measure({ ...spec, env: { ...ctx.env, ...spec.env }, scratchDir: ctx.scratch });
  if (result.code !== 0) {
    throw new Error(`${spec.command} ${spec.args.join(' ')} (in ${spec.cwd}) exited with ${result.code}:\n${result.outputTail}`);
  }
  return result;
}

function buildAppScript(ctx, outfile) {
  const buildApp = join(ctx.project, 'scripts', 'build-app.cjs');
  return `require(${JSON.stringify(buildApp)}).buildApp(${JSON.stringify(outfile)})`;
}

/** Runs each app once (also warming the file cache) and compares the stacks they synthesize. */
async function checkSameResourceSet(ctx) {
  log('checking that the baselines synthesize the same resource set as this project');
  await runChecked(ctx, { command: 'node', args: ['scripts/app.cjs'], cwd: ctx.project });
  const projectSet = summarizeResourceSet(join(ctx.project, 'cdktf.out'));
  for (const [style, dir] of Object.entries(ctx.baselines)) {
    await runChecked(ctx, { command: 'npx', args: ['ts-node', 'main.ts'], cwd: dir });
    const baselineSet = summarizeResourceSet(join(dir, 'cdktf.out'));
    if (JSON.stringify(baselineSet) !== JSON.stringify(projectSet)) {
      throw new Error(
        `the ${style}-import baseline synthesizes ${JSON.stringify(baselineSet)}, but this project ${JSON.stringify(projectSet)}`,
      );
    }
  }
}

/**
 * Runs every case once per round; each round starts one case later, so that no command always
 * follows the same other one. Returns the results per case id.
 */
async function runRounds(ctx, cases, rounds, describe) {
  const results = new Map(cases.map((spec) => [spec, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < cases.length; i++) {
      const spec = cases[(i + round) % cases.length];
      if (spec.fresh) rmSync(spec.fresh, { recursive: true, force: true });
      const result = await runChecked(ctx, spec);
      spec.check?.();
      results.get(spec).push(result);
      log(`round ${round + 1}/${rounds} ${describe(spec)}: ${formatSeconds(result.seconds)}, ${formatKib(result.peakTreeKib)}`);
    }
  }
  return results;
}

async function measureSynth(ctx, rounds) {
  await runChecked(ctx, { command: 'node', args: ['-e', buildAppScript(ctx, ctx.bundle)], cwd: ctx.project });
  const { project, baselines } = ctx;
  const cases = [
    { id: 'synth-project', command: 'npx', args: ['cdktf', 'synth'], cwd: project },
    { id: 'synth-deep', command: 'npx', args: ['cdktf', 'synth'], cwd: baselines.deep },
    { id: 'synth-root', command: 'npx', args: ['cdktf', 'synth'], cwd: baselines.root },
    { id: 'app-project', command: 'node', args: ['scripts/app.cjs'], cwd: project },
    // The first synth after `npm ci` also builds the vendor bundle of the installed packages.
    { id: 'app-project-cold', command: 'node', args: ['scripts/app.cjs'], cwd: project, fresh: join(project, '.build') },
    { id: 'app-deep', command: 'npx', args: ['ts-node', 'main.ts'], cwd: baselines.deep },
    { id: 'app-root', command: 'npx', args: ['ts-node', 'main.ts'], cwd: baselines.root },
    {
      id: 'prebuilt',
      command: 'node',
      args: [ctx.bundle],
      cwd: project,
      env: { CDKTF_OUTDIR: ctx.freshOutdir },
      fresh: ctx.freshOutdir,
    },
    { id: 'build', command: 'node', args: ['-e', buildAppScript(ctx, join(ctx.work, 'rebuilt', 'main.cjs'))], cwd: project },
    {
      id: 'build-cold',
      command: 'node',
      args: ['-e', buildAppScript(ctx, join(ctx.work, 'rebuilt-cold', 'main.cjs'))],
      cwd: project,
      fresh: join(ctx.work, 'rebuilt-cold'),
    },
    { id: 'floor', command: 'node', args: [ctx.floorScript, join(ctx.work, 'floor.json')], cwd: ctx.work },
    // A command's own start, without npx: the launcher loads the bundle of the CLI, or builds it first
    // when, as on a fresh clone's first run, there is none (its list of source files is removed).
    { id: 'cli', command: 'node', args: ['bin/key-insight.cjs', '--help'], cwd: project },
    { id: 'cli-cold', command: 'node', args: ['bin/key-insight.cjs', '--help'], cwd: project, fresh: join(project, '.build', 'main.cli.cjs.inputs.json') },
  ];
  const results = await runRounds(ctx, cases, rounds, (spec) => spec.id);
  return Object.fromEntries(cases.map((spec) => [spec.id, results.get(spec)]));
}

async function measureScaling(ctx, rounds) {
  const cases = [
    // Every environment is its own stack and its client secret's stack, plus one stack per account.
    ...ACCOUNT_COUNTS.map((count) => ({ kind: 'accounts', count, stacks: count + 2, config: accountsConfig(count) })),
    ...ENVIRONMENT_COUNTS.map((count) => ({ kind: 'environments', count, stacks: 2 * count, config: environmentsConfig(count) })),
  ].map((scalingCase) => {
    const file = join(ctx.work, `config-${scalingCase.kind}-${scalingCase.count}.json`);
    writeFileSync(file, JSON.stringify(scalingCase.config));
    return {
      ...scalingCase,
      command: 'node',
      args: [ctx.bundle],
      cwd: ctx.project,
      env: { CDKTF_OUTDIR: ctx.freshOutdir, KEY_INSIGHT_CONFIG: file },
      fresh: ctx.freshOutdir,
      check() {
        const stacks = stackCount(ctx.freshOutdir);
        if (stacks !== scalingCase.stacks) {
          throw new Error(`${scalingCase.count} ${scalingCase.kind} synthesized ${stacks} stacks, expected ${scalingCase.stacks}`);
        }
      },
    };
  });
  const results = await runRounds(ctx, cases, rounds, (spec) => `${spec.count} ${spec.kind}`);
  return cases.map(({ kind, count, stacks }, index) => ({ kind, count, stacks, results: results.get(cases[index]) }));
}

/**
 * The tests run where developers run them, in the checkout: some read files relative to it. A failing
 * suite does not stop the benchmark; the report says so next to its time.
 */
async function measureTests(ctx, runs) {
  const cases = [
    { id: 'test', command: 'npm', args: ['test'] },
    { id: 'test-unit', command: 'npm', args: ['run', 'test:unit'] },
    { id: 'test-integration', command: 'npm', args: ['run', 'test:integration'] },
  ];
  const results = Object.fromEntries(cases.map((spec) => [spec.id, []]));
  for (let run = 0; run < runs; run++) {
    for (const spec of cases) {
      const result = await measure({ ...spec, cwd: projectDir, env: ctx.env, scratchDir: ctx.scratch });
      results[spec.id].push(result);
      log(`run ${run + 1}/${runs} ${spec.args.join(' ')}: ${formatSeconds(result.seconds)}, ${result.cpuSeconds ?? '?'} CPU-s, exit ${result.code}`);
      if (result.code !== 0) log(result.outputTail);
    }
  }
  return results;
}

function summarize(results) {
  return {
    seconds: median(results.map((r) => r.seconds)),
    cpuSeconds: hasGnuTime ? median(results.map((r) => r.cpuSeconds)) : null,
    fastest: Math.min(...results.map((r) => r.seconds)),
    slowest: Math.max(...results.map((r) => r.seconds)),
    peakTreeKib: median(results.map((r) => r.peakTreeKib)),
    largestProcessKib: hasGnuTime ? median(results.map((r) => r.largestProcessKib)) : null,
    each: results.map((r) => r.seconds),
    codes: results.map((r) => r.code),
  };
}

function scalingFits(scaling) {
  const points = (kind) => scaling.filter((s) => s.kind === kind).map((s) => [s.count, s.seconds]);
  const accounts = points('accounts');
  const secondsAt = (count) => accounts.find(([x]) => x === count)[1];
  const perAccount = (from, to) => (secondsAt(to) - secondsAt(from)) / (to - from);
  return {
    accounts: linearFit(accounts),
    environments: linearFit(points('environments')),
    perAccount10to100: perAccount(10, 100),
    perAccount100to1000: perAccount(100, 1000),
  };
}

async function run(options, work, checkout) {
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  const ctx = prepare(work);
  const machine = describeMachine({ env: ctx.env, projectDir });
  log(`work folder ${work}; ${options.rounds} round(s), ${options.testRuns} run(s) of each test command`);

  await checkSameResourceSet(ctx);
  const synthRuns = await measureSynth(ctx, options.rounds);
  const scalingRuns = await measureScaling(ctx, options.rounds);
  const organizationRuns = options.organization
    ? await measureOrganization({ project: ctx.project, work: ctx.work, env: ctx.env, rounds: options.rounds, log })
    : undefined;
  const testRuns = await measureTests(ctx, options.testRuns);

  const scaling = scalingRuns.map(({ results, ...scalingCase }) => ({ ...scalingCase, ...summarize(results) }));
  const report = renderReport({
    options,
    machine,
    startedAt,
    finishedAt: new Date(),
    load: { before: loadBefore, after: os.loadavg() },
    hasGnuTime,
    medians: Object.fromEntries(Object.entries(synthRuns).map(([id, results]) => [id, summarize(results)])),
    scaling,
    linearity: scalingFits(scaling),
    tests: Object.fromEntries(Object.entries(testRuns).map(([id, results]) => [id, summarize(results)])),
  });
  const organizationText = organizationRuns
    ? renderOrganization(organizationRuns, options.rounds)
    : '## An AWS Organization through a StackSet, against per-account stacks\n\nNot measured in this run (`--no-organization`).\n';
  report.text = `${report.text}\n${organizationText}`;
  process.stdout.write(`\n${report.text}\n`);
  if (!options.write) {
    log(`${options.quick ? '--quick' : '--no-write'}: ${reportFile} left as it was`);
  } else {
    requireCleanCommit(projectDir, reportFile, checkout);
    mkdirSync(dirname(reportFile), { recursive: true });
    writeFileSync(reportFile, report.text);
    log(`wrote ${reportFile}`);
  }
  return report.allCommandsPassed ? 0 : 1;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const checkout = options.write ? requireCleanCommit(projectDir, reportFile) : undefined;
  const work = mkdtempSync(join(os.tmpdir(), 'ki-bench-'));
  const removeWork = () => rmSync(work, { recursive: true, force: true });
  process.on('SIGINT', () => {
    removeWork();
    process.exit(130);
  });
  try {
    return await run(options, work, checkout);
  } finally {
    removeWork();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`[bench] ${error.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
