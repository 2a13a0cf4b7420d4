// An organization environment (one stack; a StackSet fans out to the accounts in AWS) against
// per-account stacks, side by side in one run: synth time, and the offline `terraform init` and
// `terraform plan` of the AWS half, with the time and peak memory of each.
//
// Hooked into `npm run bench`; also runs alone, printing its table and writing nothing:
//   node scripts/bench/organization.mjs [--rounds=N]
//
// Offline, as the tests plan: hashicorp/aws 5.100.0 from the filesystem mirror, fake credentials,
// the provider told not to call AWS. There is no Okta provider here, so the Okta half is left out of
// each plan and the values it would supply (issuer, client ID) are literals; account stacks read them
// from a local state file standing in for the environment's state.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { measure } from './measure.mjs';
import { formatKib, formatSeconds } from './report.mjs';
import { median } from './stats.mjs';

const PROVIDER_MIRROR = '/opt/tf-plugins';
const ISSUER = 'https://bench.okta.com/oauth2/ausbench0000';
const CLIENT_ID = '0oabench000000000000';
const AUDIENCE = 'api://ki';
const ACCOUNT_COUNTS = [10, 100];
// The goal: the organization environment plans in no more than this times a single-account environment.
const PLAN_GOAL_RATIO = 1.5;
// Stacks planned at once: one per core, as a CI matrix on this machine would.
const PARALLEL_PLANS = Math.max(1, os.cpus().length);

function environment(aws) {
  return { name: 'ki-bench', okta: { authorizationServer: { audience: AUDIENCE }, scopes: [{ name: 'ki.scan' }] }, aws: { region: 'us-east-1', ...aws } };
}

/** The cases, each one configuration; the organization's stacks do not depend on how many accounts it has. */
function cases() {
  return [
    { id: 'single', label: 'single-account environment', accounts: 1, config: { stacks: [environment({})] } },
    {
      id: 'organization',
      label: 'organization environment (any number of accounts)',
      accounts: null,
      config: { stacks: [environment({ organization: { organizationalUnitIds: ['r-ab12'] } })] },
    },
    ...ACCOUNT_COUNTS.map((count) => ({
      id: `accounts-${count}`,
      label: `per-account stacks, ${count} accounts`,
      accounts: count,
      config: {
        stacks: [environment({ accounts: Array.from({ length: count }, (_, index) => ({ accountId: String(100000000001 + index) })) })],
      },
    })),
  ];
}

function terraformEnv(work, baseEnv) {
  const cliConfig = join(work, 'terraform-mirror.tfrc');
  writeFileSync(
    cliConfig,
    [
      `plugin_cache_dir = "${PROVIDER_MIRROR}"`,
      'plugin_cache_may_break_dependency_lock_file = true',
      'provider_installation {',
      `  filesystem_mirror {\n    path    = "${PROVIDER_MIRROR}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }`,
      '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }',
      '}',
    ].join('\n'),
  );
  return {
    ...baseEnv,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

const OFFLINE_PROVIDER = { skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: true };

/** A stack's AWS half, planable offline: no Okta, local state, the provider kept from calling AWS. */
function offlineStack(stack, remoteStatePath) {
  const { okta: _okta, ...providers } = stack.provider ?? {};
  const resources = Object.fromEntries(Object.entries(stack.resource ?? {}).filter(([type]) => !type.startsWith('okta_')));
  const data = Object.fromEntries(Object.entries(stack.data ?? {}).filter(([type]) => !type.startsWith('okta_')));
  if (data.terraform_remote_state) {
    data.terraform_remote_state = Object.fromEntries(
      Object.keys(data.terraform_remote_state).map((name) => [name, { backend: 'local', config: { path: remoteStatePath } }]),
    );
  }
  const { backend: _backend, cloud: _cloud, required_providers: required, ...terraform } = stack.terraform ?? {};
  const { okta: _oktaRequired, ...requiredProviders } = required ?? {};
  const offline = {
    terraform: { ...terraform, required_providers: requiredProviders, backend: { local: { path: 'terraform.tfstate' } } },
    provider: { ...providers, aws: (providers.aws ?? []).map(({ region }) => ({ region, ...OFFLINE_PROVIDER })) },
    resource: resources,
    ...(Object.keys(data).length > 0 ? { data } : {}),
  };
  // The Okta half's values, as literals where the AWS half refers to them.
  const text = JSON.stringify(offline)
    .replace(/okta_auth_server\.\w+\.issuer/g, JSON.stringify(JSON.stringify(ISSUER)).slice(1, -1))
    .replace(/okta_app_oauth\.\w+\.(client_id|id)/g, JSON.stringify(JSON.stringify(CLIENT_ID)).slice(1, -1));
  if (/(?<![\w-])okta_[a-z_]+\.\w+\.\w+/.test(text)) throw new Error('the offline stack still refers to the Okta half');
  return JSON.parse(text);
}

/** The state an applied environment stack leaves, holding the outputs its account stacks read. */
function environmentState(accountStacks) {
  const names = new Set(accountStacks.flatMap((stack) => [...JSON.stringify(stack).matchAll(/terraform_remote_state\.[\w-]+\.outputs\.([\w-]+)/g)].map((match) => match[1])));
  const valueOf = (name) => (/issuer/.test(name) ? ISSUER : /audience/.test(name) ? AUDIENCE : CLIENT_ID);
  const outputs = Object.fromEntries([...names].map((name) => [name, { value: valueOf(name), type: 'string', sensitive: true }]));
  return JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage: 'bench-environment', outputs, resources: [] });
}

async function checked(spec) {
  const result = await measure(spec);
  if (result.code !== 0) throw new Error(`${spec.command} ${spec.args.join(' ')} (in ${spec.cwd}) exited with ${result.code}:\n${result.outputTail}`);
  return result;
}

/** Synthesizes a case, then inits and plans the AWS half of each of its stacks one after the other. */
async function runCase(benchCase, { project, work, env, tfEnv, log }) {
  const caseDir = mkdtempSync(join(work, `${benchCase.id}-`));
  const scratchDir = join(caseDir, 'scratch');
  mkdirSync(scratchDir);
  const configFile = join(caseDir, 'key-insight.config.json');
  writeFileSync(configFile, JSON.stringify(benchCase.config));
  const outdir = join(caseDir, 'cdktf.out');
  const synth = await checked({
    command: 'node',
    args: ['scripts/app.cjs'],
    cwd: project,
    env: { ...env, KEY_INSIGHT_CONFIG: configFile, CDKTF_OUTDIR: outdir },
    scratchDir,
  });
  const stackNames = readdirSync(join(outdir, 'stacks'));
  const synthesized = Object.fromEntries(
    stackNames.map((name) => [name, JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'))]),
  );
  // An environment with account stacks plans those; the environment stack itself then holds only Okta.
  const awsStacks = stackNames.filter((name) => Object.keys(synthesized[name].resource ?? {}).some((type) => type.startsWith('aws_')));
  const statePath = join(caseDir, 'terraform.environment.tfstate');
  writeFileSync(statePath, environmentState(awsStacks.map((name) => synthesized[name])));
  const plan = { init: [], plan: [] };
  const queue = [...awsStacks];
  const started = performance.now();
  // As a pipeline with one job per core would: PARALLEL_PLANS stacks at a time, each init then plan.
  const worker = async (slot) => {
    const workerScratch = join(scratchDir, String(slot));
    mkdirSync(workerScratch);
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const dir = join(caseDir, 'plan', name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(offlineStack(synthesized[name], statePath)));
      const spec = { cwd: dir, env: tfEnv, scratchDir: workerScratch, command: 'terraform' };
      plan.init.push(await checked({ ...spec, args: ['init', '-input=false', '-no-color'] }));
      plan.plan.push(await checked({ ...spec, args: ['plan', '-input=false', '-no-color', '-lock=false'] }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_PLANS, awsStacks.length) }, (_, slot) => worker(slot)));
  const wallSeconds = (performance.now() - started) / 1000;
  rmSync(caseDir, { recursive: true, force: true });
  const sum = (results) => results.reduce((total, result) => total + result.seconds, 0);
  const peak = (results) => Math.max(...results.map((result) => result.peakTreeKib));
  const summary = {
    stacks: stackNames.length,
    plannedStacks: awsStacks.length,
    synthSeconds: synth.seconds,
    synthPeakKib: synth.peakTreeKib,
    wallSeconds,
    initSeconds: sum(plan.init),
    planSeconds: sum(plan.plan),
    planPeakKib: peak(plan.plan),
    initPeakKib: peak(plan.init),
  };
  log(
    `${benchCase.label}: synth ${formatSeconds(summary.synthSeconds)}, init ${formatSeconds(summary.initSeconds)}, plan ${formatSeconds(summary.planSeconds)}, init+plan wall ${formatSeconds(summary.wallSeconds)} (${summary.plannedStacks} stack(s), peak ${formatKib(summary.planPeakKib)})`,
  );
  return summary;
}

/** Runs every case `rounds` times; returns the medians per case. */
export async function measureOrganization({ project, work, env, rounds, log }) {
  if (!existsSync(join(PROVIDER_MIRROR, 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0'))) {
    throw new Error(`the organization benchmark plans offline and needs hashicorp/aws 5.100.0 in ${PROVIDER_MIRROR}`);
  }
  const tfEnv = terraformEnv(work, env);
  const all = cases();
  const runs = new Map(all.map((benchCase) => [benchCase.id, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < all.length; i++) {
      const benchCase = all[(i + round) % all.length];
      // Planning a hundred stacks takes many minutes: per-account cases run in the first round only.
      if (round > 0 && benchCase.accounts !== null && benchCase.accounts > 1) continue;
      log(`organization round ${round + 1}/${rounds}: ${benchCase.label}`);
      runs.get(benchCase.id).push(await runCase(benchCase, { project, work, env, tfEnv, log }));
    }
  }
  return all.map(({ id, label, accounts }) => {
    const results = runs.get(id);
    const medianOf = (key) => median(results.map((result) => result[key]));
    return {
      id,
      label,
      accounts,
      stacks: results[0].stacks,
      plannedStacks: results[0].plannedStacks,
      synthSeconds: medianOf('synthSeconds'),
      synthPeakKib: medianOf('synthPeakKib'),
      initSeconds: medianOf('initSeconds'),
      planSeconds: medianOf('planSeconds'),
      planPeakKib: medianOf('planPeakKib'),
      wallSeconds: medianOf('wallSeconds'),
    };
  });
}

/** The Markdown section for docs/benchmarks.md, with the goal marked met or not met. */
export function renderOrganization(results, rounds) {
  const byId = Object.fromEntries(results.map((result) => [result.id, result]));
  const ratio = byId.organization.planSeconds / byId.single.planSeconds;
  const rows = results.map(
    (result) =>
      `| ${result.label} | ${result.stacks} | ${result.plannedStacks} | ${formatSeconds(result.synthSeconds)} | ${formatKib(result.synthPeakKib)} | ${formatSeconds(result.initSeconds)} | ${formatSeconds(result.planSeconds)} | ${formatSeconds(result.wallSeconds)} | ${formatKib(result.planPeakKib)} |`,
  );
  return [
    '## An AWS Organization through a StackSet, against per-account stacks',
    '',
    `Medians of ${rounds} round(s) (per-account stacks: one round). Synth: \`node scripts/app.cjs\`. Init and plan: the AWS half of each stack, offline`,
    `(hashicorp/aws 5.100.0 from the filesystem mirror, the Okta half left out), ${PARALLEL_PLANS} stack(s) at a time; init and`,
    'plan times are summed over the stacks, the wall time is from the first init to the last plan, memory is the largest',
    'single plan. The organization environment is one stack whatever the number of accounts: CloudFormation, not',
    'Terraform, fans out to them.',
    '',
    '| case | stacks | stacks planned | synth | synth peak memory | init (sum) | plan (sum) | init + plan (wall) | plan peak memory |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Goal: the organization environment plans in no more than ${PLAN_GOAL_RATIO}x the time of a single-account environment: ` +
      `${ratio.toFixed(2)}x, ${ratio <= PLAN_GOAL_RATIO ? 'met' : 'not met'}.`,
    '',
  ].join('\n');
}

async function standalone() {
  const unknown = process.argv.slice(2).filter((arg) => !/^--rounds=\d+$/.test(arg));
  if (unknown.length > 0) throw new Error(`unknown arguments ${unknown.join(' ')}; allowed: --rounds=N`);
  const rounds = Number((process.argv.find((arg) => arg.startsWith('--rounds=')) ?? '--rounds=1').slice(9));
  const project = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const work = mkdtempSync(join(os.tmpdir(), 'ki-bench-organization-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_')));
  delete env.CDKTF_OUTDIR;
  delete env.KEY_INSIGHT_CONFIG;
  try {
    const log = (message) => process.stderr.write(`[bench] ${message}\n`);
    const results = await measureOrganization({ project, work, env, rounds, log });
    process.stdout.write(`\n${renderOrganization(results, rounds)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  standalone().catch((error) => {
    process.stderr.write(`[bench] ${error.stack ?? error}\n`);
    process.exitCode = 1;
  });
}
