// Renders docs/benchmarks.md from one run's medians, with each goal marked met or not met.

// The goals this project holds itself to, as limits on ratios measured side by side in one run.
// The test times are for a quiet machine of this size (2 cores); the load average is reported beside them.
const GOALS = {
  synthVsDeepTime: 0.7,
  directVsFloorTime: 6,
  thousandVsOneAccount: 15,
  testSeconds: 90,
  testCpuSeconds: 160,
  unitTestSeconds: 8,
  unitTestCpuSeconds: 15,
  integrationTestSeconds: 300,
  cliStartSeconds: 0.5,
};

const CASES = [
  ['synth-project', '`npx cdktf synth`, this project (app: `node scripts/app.cjs`)'],
  ['synth-deep', '`npx cdktf synth`, template-style baseline, deep imports (app: `npx ts-node main.ts`)'],
  ['synth-root', '`npx cdktf synth`, template-style baseline, root imports (app: `npx ts-node main.ts`)'],
  ['app-project', 'app alone, this project: `node scripts/app.cjs` (build of main.ts and lib/ + synth; what `npm run synth` runs)'],
  ['app-project-cold', 'the same, first run after `npm ci` (also builds the vendor bundle of the installed packages)'],
  ['app-deep', 'app alone, deep-import baseline: `npx ts-node main.ts`'],
  ['app-root', 'app alone, root-import baseline: `npx ts-node main.ts`'],
  ['prebuilt', 'prebuilt artifact: `node <bundle>` (built once with `buildApp`), `CDKTF_OUTDIR` set'],
  ['build', 'build step alone: `buildApp()` (esbuild) in a new node process, vendor bundle already built'],
  ['build-cold', 'build step alone, vendor bundle included'],
  ['floor', 'floor: `node` writing a small JSON file'],
  ['cli', '`key-insight --help` without npx (`node bin/key-insight.cjs`), its bundle built'],
  ['cli-cold', 'the same, first run of a fresh clone (builds the bundle of the CLI first)'],
];

export function formatSeconds(seconds) {
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(2)} s`;
}

export function formatKib(kib) {
  return kib >= 1024 * 1024 ? `${(kib / 1024 / 1024).toFixed(2)} GiB` : `${Math.round(kib / 1024)} MiB`;
}

const ratio = (value) => `${value.toFixed(2)}x`;
const verdict = (met) => (met ? 'met' : '**not met**');

function table(header, rows) {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

/** Each goal as { goal, measured, limit, met }; met is null for a ratio shown without a goal. */
function goalRows({ medians: m, scaling, linearity, tests }) {
  const ratioGoal = (goal, value, limit) =>
    limit === null
      ? { goal, measured: ratio(value), limit: '(no goal)', met: null }
      : { goal, measured: ratio(value), limit: `≤ ${limit}x`, met: value <= limit };
  const testGoal = (goal, id, limit, measure = 'seconds') => {
    const passed = tests[id].codes.every((code) => code === 0);
    const value = tests[id][measure];
    if (value === null) return { goal, measured: 'n/a (no /usr/bin/time)', limit: `< ${limit} CPU-s`, met: null };
    const shown = measure === 'seconds' ? formatSeconds(value) : `${value.toFixed(1)} CPU-s`;
    const measured = `${shown}${passed ? '' : ' (suite failed)'}`;
    return { goal, measured, limit: `< ${limit} ${measure === 'seconds' ? 's' : 'CPU-s'}`, met: passed && value < limit };
  };
  const accounts = (count) => scaling.find((s) => s.kind === 'accounts' && s.count === count);
  const perAccountRatio = linearity.perAccount100to1000 / linearity.perAccount10to100;
  return [
    ratioGoal('`npx cdktf synth` time vs deep-import baseline', m['synth-project'].seconds / m['synth-deep'].seconds, GOALS.synthVsDeepTime),
    ratioGoal('`npx cdktf synth` peak memory vs deep-import baseline', m['synth-project'].peakTreeKib / m['synth-deep'].peakTreeKib, null),
    ratioGoal('`npx cdktf synth` time vs root-import baseline', m['synth-project'].seconds / m['synth-root'].seconds, null),
    ratioGoal('`npx cdktf synth` peak memory vs root-import baseline', m['synth-project'].peakTreeKib / m['synth-root'].peakTreeKib, null),
    ratioGoal('direct path, build step included (`node scripts/app.cjs`) time vs floor', m['app-project'].seconds / m.floor.seconds, GOALS.directVsFloorTime),
    ratioGoal('direct path, first run after `npm ci` (vendor bundle built too) time vs floor', m['app-project-cold'].seconds / m.floor.seconds, null),
    ratioGoal('prebuilt artifact time vs floor', m.prebuilt.seconds / m.floor.seconds, null),
    ratioGoal(
      `1000 AWS accounts vs 1 account, direct path (prebuilt bundle): ${formatSeconds(accounts(1000).seconds)} vs ${formatSeconds(accounts(1).seconds)}`,
      accounts(1000).seconds / accounts(1).seconds,
      GOALS.thousandVsOneAccount,
    ),
    {
      goal: 'growth with accounts',
      measured: `R² ${linearity.accounts.rSquared.toFixed(4)}; per-account time 100→1000 / 10→100 = ${perAccountRatio.toFixed(2)}`,
      limit: '(no goal)',
      met: null,
    },
    testGoal('`npm test`, median (quiet machine; see the load average above)', 'test', GOALS.testSeconds),
    testGoal('`npm test`, CPU time (user + system, every process)', 'test', GOALS.testCpuSeconds, 'cpuSeconds'),
    testGoal('`npm run test:unit`, median', 'test-unit', GOALS.unitTestSeconds),
    testGoal('`npm run test:unit`, CPU time', 'test-unit', GOALS.unitTestCpuSeconds, 'cpuSeconds'),
    testGoal('`npm run test:integration`, median', 'test-integration', GOALS.integrationTestSeconds),
    {
      goal: '`key-insight --help` start without npx, first run of a fresh clone',
      measured: formatSeconds(m['cli-cold'].seconds),
      limit: `< ${GOALS.cliStartSeconds} s`,
      met: m['cli-cold'].seconds < GOALS.cliStartSeconds,
    },
  ];
}

export function renderReport(run) {
  const { options, machine, startedAt, finishedAt, load, hasGnuTime, medians, scaling, linearity, tests } = run;
  const memoryCell = (kib) => (kib === null ? 'n/a' : formatKib(kib));
  const spread = (summary) => `${formatSeconds(summary.fastest)}–${formatSeconds(summary.slowest)}`;
  const goals = goalRows(run);
  const met = goals.filter((row) => row.met === true).length;
  const judged = goals.filter((row) => row.met !== null).length;
  const fit = linearity.accounts;
  const environmentFit = linearity.environments;
  const twoHundred = scaling.find((s) => s.kind === 'accounts' && s.count === 200);
  const ms = (seconds) => `${(seconds * 1000).toFixed(2)} ms`;
  const loadText = (values) => values.map((value) => value.toFixed(2)).join(' / ');
  const plural = (count, noun) => `${count} ${noun}${count === 1 ? '' : 's'}`;
  const rounds = plural(options.rounds, 'round');
  const testRuns = options.testRuns === 1 ? 'once' : `${options.testRuns} times`;
  const gnuTimeNote = hasGnuTime
    ? 'The peak is never below the largest single process, which `/usr/bin/time -f %M` reports from `getrusage` (last column), so a process shorter than one sample still counts.'
    : '`/usr/bin/time` was not found, so the largest single process is not reported and a process shorter than one sample may be missed.';

  const text = `# Benchmarks

How long this project takes to synthesize and how much memory it needs, next to the same stack
written as \`cdktf init --template=typescript\` sets a project up, and how the app grows with AWS
accounts and environments. Produced by \`npm run bench\` (\`scripts/bench.mjs\`): one run of ${rounds},
${finishedAt.toISOString().slice(0, 10)}.

Reproduce: \`npm ci && npm run bench\` from a clean checkout of the measured commit (about 25
minutes; it refuses to write this file from a checkout with uncommitted changes). With \`-- --quick\`
(one round) or \`-- --no-write\` (all rounds) it prints the tables without writing this file;
\`-- --no-organization\` leaves out the organization's 100 per-account plans.

## Machine

${table(
  ['', ''],
  [
    ['CPU', machine.cpu],
    ['cores', String(machine.cores)],
    ['memory', `${machine.memoryGib.toFixed(1)} GiB`],
    ['kernel', machine.kernel],
    ['Node', machine.node],
    ['npm', machine.npm],
    ['Terraform', machine.terraform],
    ['measured commit', machine.commit],
    ['date', `${startedAt.toISOString()} to ${finishedAt.toISOString()}`],
    ['load average (1 / 5 / 15 min)', `${loadText(load.before)} before, ${loadText(load.after)} after`],
  ],
)}

## Goals: ${met} of ${judged} met

${table(
  ['goal', 'measured', 'limit', 'result'],
  goals.map((row) => [row.goal, row.measured, row.limit, row.met === null ? '' : verdict(row.met)]),
)}

## Synth, side by side (medians of ${rounds})

${table(
  ['what', 'time', 'fastest–slowest', 'peak memory, process tree', 'largest single process'],
  CASES.map(([id, label]) => [
    label,
    formatSeconds(medians[id].seconds),
    spread(medians[id]),
    formatKib(medians[id].peakTreeKib),
    memoryCell(medians[id].largestProcessKib),
  ]),
)}

What \`cdktf synth\` adds to the app alone (npx, the cdktf CLI, reading the output back):
this project ${formatSeconds(medians['synth-project'].seconds - medians['app-project'].seconds)},
deep-import baseline ${formatSeconds(medians['synth-deep'].seconds - medians['app-deep'].seconds)},
root-import baseline ${formatSeconds(medians['synth-root'].seconds - medians['app-root'].seconds)}.

## Scaling: the app alone (prebuilt bundle, medians of ${rounds})

${table(
  ['configuration', 'stacks', 'time', 'fastest–slowest', 'peak memory, process tree'],
  scaling.map((s) => [
    s.kind === 'accounts' ? `1 environment, ${plural(s.count, 'AWS account')}` : `${plural(s.count, 'environment')}, no accounts`,
    String(s.stacks),
    formatSeconds(s.seconds),
    spread(s),
    formatKib(s.peakTreeKib),
  ]),
)}

- Time per added AWS account: **${ms(fit.slope)}** (least squares over 1, 10, 100, 200 and 1000
  accounts; intercept ${formatSeconds(fit.intercept)}, R² ${fit.rSquared.toFixed(4)}).
- Per added account from 10 to 100 accounts: ${ms(linearity.perAccount10to100)}; from 100 to 1000:
  ${ms(linearity.perAccount100to1000)} (ratio ${(linearity.perAccount100to1000 / linearity.perAccount10to100).toFixed(2)}).
- 200 accounts: ${formatSeconds(twoHundred.seconds)}, ${formatKib(twoHundred.peakTreeKib)}.
- Time per added environment: ${ms(environmentFit.slope)} (least squares over 1, 10 and 50; R² ${environmentFit.rSquared.toFixed(4)}).

## Tests

${table(
  ['command', 'median', 'CPU time (median)', 'runs', 'exit codes'],
  [
    ['`npm test` (type-check, then every jest suite but the integration tier, a Terraform smoke set included)', tests.test],
    ['`npm run test:unit` (in-process tests: no Terraform, servers, child processes or property tests)', tests['test-unit']],
    ['`npm run test:integration` (the long scenario suites: rename-stack, adoption, plan-only, drift, plan, the workflow)', tests['test-integration']],
  ].map(([label, t]) => [
    label,
    formatSeconds(t.seconds),
    t.cpuSeconds === null ? 'n/a' : `${t.cpuSeconds.toFixed(1)} CPU-s`,
    t.each.map(formatSeconds).join(', '),
    t.codes.join(', '),
  ]),
)}

## How it measures

- The synth commands run in a temporary folder linked to the installed \`node_modules\`: a copy of
  the working tree (the files git tracks or would track), so the repository's \`cdktf.out\` and
  \`.build\` are left alone, and two template-style projects the benchmark generates: the
  template's \`tsconfig.json\` from the installed cdktf-cli, \`"app": "npx ts-node main.ts"\`, and a
  \`main.ts\` that builds the same resources and outputs for the shipped \`key-insight.config.json\`,
  once importing the provider packages' roots and once each class's own module.
- Before timing, each app runs once (which also warms the file cache) and the benchmark checks that
  both baselines synthesize the same stacks, resource types and counts, providers, outputs and
  backend as this project.
- The commands run in ${rounds}, one command after the other, each round starting one command later,
  so that load from other work on this shared machine falls on all of them alike; the tables show
  medians, and the fastest and slowest run show how much the load varied. The test commands run
  ${testRuns} each, in the checkout itself, as developers run them.
- Time is wall-clock time from spawn to exit. CPU time is the user and system time of the command and
  of every process it waited for, as \`/usr/bin/time\` reports them: less sensitive to other load than wall time.
- Peak memory is the highest sum of the resident set sizes of all processes in the command's tree
  (npx, the cdktf CLI, shells, the app, esbuild's service), sampled from \`/proc\` every 20 ms. Pages
  that processes share, such as the node binary, count once in each. ${gnuTimeNote}
- Every command gets \`CHECKPOINT_DISABLE=1\`, a \`TF_CLI_CONFIG_FILE\` naming an empty file, no npm
  update check, and none of the \`npm_*\` variables of \`npm run\`. The scaling runs use generated
  configurations and a fresh \`CDKTF_OUTDIR\` for every run.
`;
  return { text, allCommandsPassed: Object.values(tests).every((t) => t.codes.every((code) => code === 0)) };
}
