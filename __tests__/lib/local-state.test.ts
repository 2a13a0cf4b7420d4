/**
 * A synth refuses to drop a stack whose local state (terraform.<stack>.tfstate beside cdktf.out, where
 * the local backend keeps it) still holds resources.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { parseConfig } from '../../lib/config';
import { StateRefusal, synthesize } from '../../lib/synthesize';
import { configWith, minimalStack, withValue } from '../helpers/config';

const withAccounts = (accounts: unknown[]) => configWith(withValue(minimalStack({ name: 'ki' }), 'aws.accounts', accounts));

/** A state as Terraform writes it, holding these resources (`mode` "managed" unless given). */
function state(resources: Array<{ type: string; mode?: string }>): string {
  return JSON.stringify({
    version: 4,
    terraform_version: '1.11.4',
    serial: 3,
    lineage: 'test',
    outputs: {},
    resources: resources.map(({ type, mode = 'managed' }) => ({ mode, type, name: 'x', provider: 'p', instances: [{ attributes: {} }] })),
  });
}
const ACCOUNT_RESOURCES = state([
  { type: 'aws_iam_openid_connect_provider' },
  { type: 'aws_iam_role' },
  { type: 'aws_iam_policy' },
  { type: 'aws_iam_role_policy_attachment' },
  { type: 'terraform_remote_state', mode: 'data' },
]);

const roots: string[] = [];
afterAll(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A project folder holding these state files; synthesizes `input` into its cdktf.out. */
function synthIn(files: Record<string, string>, input: unknown) {
  const root = mkdtempSync(join(tmpdir(), 'ki-state-'));
  roots.push(root);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  const outdir = join(root, 'cdktf.out');
  const run = () => synthesize(new App({ outdir }), parseConfig(input));
  return { outdir, run };
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof StateRefusal) return error.message;
    throw error;
  }
  throw new Error('the synth was not refused');
}

describe('a removed account', () => {
  it('is refused while its state holds resources, naming the stack and both ways out, and nothing is written', () => {
    const { outdir, run } = synthIn({ 'terraform.ki-222222222222.tfstate': ACCOUNT_RESOURCES }, withAccounts([{ accountId: '111111111111' }]));

    expect(refusal(run)).toBe(
      'Refusing to synthesize: these stacks are no longer configured, but their local state still holds resources that nothing would manage any more (nothing was written):\n' +
        '  - ki-222222222222: terraform.ki-222222222222.tfstate holds 4 resources; keep its account in stacks[].aws.accounts with "retired": true and deploy the stack, which destroys them, then remove the entry; or put the account back and run `npx cdktf destroy ki-222222222222` before removing it',
    );
    expect([existsSync(join(outdir, 'manifest.json')), readdirSync(join(outdir, 'stacks'))]).toEqual([false, []]);
  });

  it('is accepted once its state holds no resources (after the retired deploy, or cdktf destroy)', () => {
    const { outdir, run } = synthIn(
      { 'terraform.ki-222222222222.tfstate': state([{ type: 'terraform_remote_state', mode: 'data' }]) },
      withAccounts([{ accountId: '111111111111' }]),
    );

    run();

    expect(existsSync(join(outdir, 'stacks', 'ki-111111111111', 'cdk.tf.json'))).toBe(true);
  });

  it('is accepted while retired, since its stack is still synthesized', () => {
    const { run } = synthIn(
      { 'terraform.ki-222222222222.tfstate': ACCOUNT_RESOURCES },
      withAccounts([{ accountId: '111111111111' }, { accountId: '222222222222', retired: true }]),
    );

    expect(run).not.toThrow();
  });
});

describe('a removed environment', () => {
  it('is refused while its state holds resources, with the way out for a stack that has no retired setting', () => {
    const { run } = synthIn(
      {
        'terraform.ki-old.tfstate': state([{ type: 'okta_app_oauth' }]),
        'terraform.ki-old-secret.tfstate': state([{ type: 'okta_app_oauth', mode: 'data' }]),
        'terraform.ki.tfstate': state([{ type: 'okta_app_oauth' }]),
      },
      configWith(minimalStack({ name: 'ki' })),
    );

    expect(refusal(run)).toBe(
      'Refusing to synthesize: these stacks are no longer configured, but their local state still holds resources that nothing would manage any more (nothing was written):\n' +
        '  - ki-old: terraform.ki-old.tfstate holds 1 resource; put it back in the configuration and run `npx cdktf destroy ki-old` before removing it',
    );
  });

  it('is accepted with an empty state, as Terraform leaves after moving a state to another backend', () => {
    const { run } = synthIn({ 'terraform.ki-old.tfstate': '' }, configWith(minimalStack({ name: 'ki' })));

    expect(run).not.toThrow();
  });
});

describe('state files', () => {
  it('that are not JSON are refused, since they may hold resources', () => {
    const { run } = synthIn({ 'terraform.ki-old.tfstate': '{ not json', 'terraform.ki.tfstate': ACCOUNT_RESOURCES }, configWith(minimalStack({ name: 'ki' })));

    expect(refusal(run)).toContain(
      '  - ki-old: terraform.ki-old.tfstate is not a Terraform state this synth can read, so it may hold resources; put it back in the configuration and run `npx cdktf destroy ki-old` before removing it',
    );
  });

  it.each([
    ['an object without a format version', '{"name":"ki-old"}'],
    ['a list', '[]'],
    ['a state whose resources are not a list', '{"version":4,"resources":{}}'],
  ])('that are JSON but not a Terraform state (%s) are refused, since they may hold resources', (_what, text) => {
    const { run } = synthIn({ 'terraform.ki-old.tfstate': text, 'terraform.ki.tfstate': ACCOUNT_RESOURCES }, configWith(minimalStack({ name: 'ki' })));

    expect(refusal(run)).toBe(
      'Refusing to synthesize: these stacks are no longer configured, but their local state still holds resources that nothing would manage any more (nothing was written):\n' +
        '  - ki-old: terraform.ki-old.tfstate is not a Terraform state this synth can read, so it may hold resources; put it back in the configuration and run `npx cdktf destroy ki-old` before removing it',
    );
  });

  it('that are a Terraform state without a resources list are taken as holding nothing', () => {
    const { run } = synthIn({ 'terraform.ki-old.tfstate': '{"version":4,"serial":1,"lineage":"test","outputs":{}}' }, configWith(minimalStack({ name: 'ki' })));

    expect(run).not.toThrow();
  });

  it.each(['terraform.tfstate', 'terraform.1st-stack.tfstate', 'terraform.ki-old.tfstate.backup', `terraform.${'a'.repeat(51)}.tfstate`])(
    'named %s, which this project never writes, are left alone',
    (name) => {
      const { run } = synthIn({ [name]: ACCOUNT_RESOURCES }, configWith(minimalStack({ name: 'ki' })));

      expect(run).not.toThrow();
    },
  );

  it("of stacks still configured are left alone, whatever they hold", () => {
    const { run } = synthIn({ 'terraform.ki.tfstate': ACCOUNT_RESOURCES }, configWith(minimalStack({ name: 'ki' })));

    expect(run).not.toThrow();
  });
});

describe('a renamed environment', () => {
  it('is recognised (a gone environment with state, a new one without) and rename-stack is named first, for each of its stacks', () => {
    const { outdir, run } = synthIn(
      { 'terraform.ki-old.tfstate': state([{ type: 'okta_app_oauth' }]), 'terraform.ki-old-111111111111.tfstate': ACCOUNT_RESOURCES },
      configWith(withValue(minimalStack({ name: 'ki-new' }), 'aws.accounts', [{ accountId: '111111111111' }])),
    );

    expect(refusal(run)).toBe(
      'Refusing to synthesize: these stacks are no longer configured, but their local state still holds resources that nothing would manage any more (nothing was written):\n' +
        '  - ki-old-111111111111: terraform.ki-old-111111111111.tfstate holds 4 resources; if environment "ki-old" was renamed, run `npx key-insight rename-stack ki-old ki-new` first, which moves the states of its stacks to the new names; only to really remove the environment, put it back in the configuration and run `npx cdktf destroy ki-old-111111111111` before removing it\n' +
        '  - ki-old: terraform.ki-old.tfstate holds 1 resource; if environment "ki-old" was renamed, run `npx key-insight rename-stack ki-old ki-new` first, which moves the states of its stacks to the new names; only to really remove the environment, put it back in the configuration and run `npx cdktf destroy ki-old` before removing it',
    );
    expect(existsSync(join(outdir, 'manifest.json'))).toBe(false);
  });

  it('is not suggested when every configured environment already has state', () => {
    const { run } = synthIn(
      { 'terraform.ki-old.tfstate': state([{ type: 'okta_app_oauth' }]), 'terraform.ki.tfstate': state([{ type: 'okta_app_oauth' }]) },
      configWith(minimalStack({ name: 'ki' })),
    );

    expect(refusal(run)).toContain('  - ki-old: terraform.ki-old.tfstate holds 1 resource; put it back in the configuration and run `npx cdktf destroy ki-old` before removing it');
  });

  it('names every environment without state when there are several', () => {
    const { run } = synthIn({ 'terraform.ki-old.tfstate': state([{ type: 'okta_app_oauth' }]) }, configWith(minimalStack({ name: 'ki-a' }), minimalStack({ name: 'ki-b' })));

    expect(refusal(run)).toContain('run `npx key-insight rename-stack ki-old ki-a` or `npx key-insight rename-stack ki-old ki-b` first');
  });

  it('names only the local environments without state, not those whose state is in S3', () => {
    const s3 = { type: 's3', bucket: 'acme-state', keyPrefix: 'key-insight', region: 'eu-west-1' };
    const { run } = synthIn(
      { 'terraform.ki-old.tfstate': state([{ type: 'okta_app_oauth' }]) },
      configWith(minimalStack({ name: 'ki-new' }), minimalStack({ name: 'ki-shared', backend: s3 })),
    );

    expect(refusal(run)).toContain(
      '  - ki-old: terraform.ki-old.tfstate holds 1 resource; if environment "ki-old" was renamed, run `npx key-insight rename-stack ki-old ki-new` first, which moves',
    );
  });

  it('is not suggested when every environment without local state keeps its state in S3', () => {
    const s3 = { type: 's3', bucket: 'acme-state', keyPrefix: 'key-insight', region: 'eu-west-1' };
    const { run } = synthIn(
      { 'terraform.ki-old.tfstate': state([{ type: 'okta_app_oauth' }]), 'terraform.ki.tfstate': state([{ type: 'okta_app_oauth' }]) },
      configWith(minimalStack({ name: 'ki' }), minimalStack({ name: 'ki-shared', backend: s3 })),
    );

    expect(refusal(run)).toBe(
      'Refusing to synthesize: these stacks are no longer configured, but their local state still holds resources that nothing would manage any more (nothing was written):\n' +
        '  - ki-old: terraform.ki-old.tfstate holds 1 resource; put it back in the configuration and run `npx cdktf destroy ki-old` before removing it',
    );
  });
});
