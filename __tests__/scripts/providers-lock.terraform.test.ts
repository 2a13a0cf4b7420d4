/**
 * The provider lock file, end to end as far as this machine allows: `terraform providers lock` needs each
 * provider for each platform, and the mirror here holds hashicorp/aws 5.100.0 for linux_amd64 only (no
 * Okta provider). So the lock file is made by the script's own function for the AWS provider the stacks
 * require, from the mirror, and the account stacks (AWS only) are initialized with it, read-only.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { parseConfig } from '../../lib/config';
import { requiredProvidersOf, type RequiredProviders } from '../../lib/provider-lock';
import { synthesize } from '../../lib/synthesize';
import { lockProviders } from '../../scripts/providers-lock';
import { configWith, minimalStack, withValue } from '../helpers/config';
import { offlineTerraformEnv, PROVIDER_MIRROR, requireTerraform } from '../helpers/terraform';

const ACCOUNTS = ['111111111111', '222222222222'];
const STACKS = ['ki-prod', 'ki-prod-secret', ...ACCOUNTS.map((account) => `ki-prod-${account}`)];
const config = parseConfig(configWith(withValue(minimalStack({ name: 'ki-prod' }), 'aws.accounts', ACCOUNTS.map((accountId) => ({ accountId })))));

const work = mkdtempSync(join(tmpdir(), 'ki-lock-'));
const outdir = join(work, 'cdktf.out');
const env = offlineTerraformEnv(work);
const stackLock = (stack: string) => join(outdir, 'stacks', stack, '.terraform.lock.hcl');
let required: RequiredProviders;
let lock: string;

function synth(): void {
  synthesize(new App({ outdir, stackTraces: false, skipValidation: true }), config, 'config.json');
}

function initReadonly(stack: string) {
  return spawnSync('terraform', ['init', '-input=false', '-no-color', '-lockfile=readonly'], { cwd: join(outdir, 'stacks', stack), env, encoding: 'utf8' });
}

beforeAll(() => {
  requireTerraform();
  synth();
  required = requiredProvidersOf(outdir);
  const made = lockProviders({ aws: required.aws }, join(work, 'lock'), {
    platforms: ['linux_amd64'],
    terraformOptions: [`-fs-mirror=${PROVIDER_MIRROR}`],
    env,
  });
  copyFileSync(made, join(work, '.terraform.lock.hcl'));
  lock = readFileSync(made, 'utf8');
  synth();
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

it('finds the two pinned providers in the synthesized stacks', () => {
  expect(required).toEqual({ okta: { source: 'okta/okta', version: '6.12.0' }, aws: { source: 'aws', version: '5.100.0' } });
});

it('locks hashicorp/aws 5.100.0 with its checksum', () => {
  expect(lock).toMatch(/provider "registry\.terraform\.io\/hashicorp\/aws" \{\n\s+version\s+= "5\.100\.0"\n\s+constraints = "5\.100\.0"\n\s+hashes = \[\n\s+"h1:[A-Za-z0-9+/=]{44}",/);
});

it.each(STACKS)('copies the committed lock file into the folder of %s', (stack) => {
  expect(readFileSync(stackLock(stack), 'utf8')).toBe(lock);
});

it('initializes an account stack offline with -lockfile=readonly, leaving the lock file as it was', () => {
  const init = initReadonly('ki-prod-111111111111');
  expect({ status: init.status, stderr: init.stderr }).toEqual({ status: 0, stderr: '' });
  expect(readFileSync(stackLock('ki-prod-111111111111'), 'utf8')).toBe(lock);
}, 120_000);

it('refuses, with -lockfile=readonly, a lock file for another version than the stack pins', () => {
  writeFileSync(stackLock('ki-prod-222222222222'), lock.replace(/"5\.100\.0"/g, '"5.99.0"'));
  const init = initReadonly('ki-prod-222222222222');
  expect(init.status).toBe(1);
  expect(init.stderr.replace(/\s+/g, ' ')).toContain('locked provider registry.terraform.io/hashicorp/aws 5.99.0 does not match configured version constraint 5.100.0');
}, 120_000);

it('writes no lock file into the stack folders when the project has none', () => {
  const project = mkdtempSync(join(tmpdir(), 'ki-no-lock-'));
  try {
    synthesize(new App({ outdir: join(project, 'cdktf.out'), stackTraces: false, skipValidation: true }), config, 'config.json');
    expect(readdirSync(join(project, 'cdktf.out', 'stacks', 'ki-prod'))).toEqual(['cdk.tf.json']);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});
