/**
 * The synth records its stacks in key-insight.stacks.json at the project root, and refuses to drop a
 * recorded stack whose state it cannot read (s3, cloud) unless the stack was retired first.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { parseConfig } from '../../lib/config';
import { SynthRefusal, synthesize } from '../../lib/synthesize';
import { configWith, minimalStack, withValue } from '../helpers/config';

const S3 = { type: 's3', bucket: 'acme-state', keyPrefix: 'ki', region: 'eu-west-1' };
const CLOUD = { type: 'cloud', organization: 'acme', workspacePrefix: 'ki-' };

function environment(name: string, backend: object, accounts?: object[]): any {
  const stack = withValue(minimalStack({ name }), 'backend', backend);
  return accounts === undefined ? stack : withValue(stack, 'aws.accounts', accounts);
}

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A project folder; each synth writes its cdktf.out there and reads and writes its record there. */
function project() {
  const root = mkdtempSync(join(tmpdir(), 'ki-record-'));
  roots.push(root);
  const outdir = join(root, 'cdktf.out');
  const synth = (input: unknown, options: { stacksFrozen?: boolean } = {}) => synthesize(new App({ outdir, skipValidation: true }), parseConfig(input), undefined, { ...options, stackRecordDir: root });
  const record = () => JSON.parse(readFileSync(join(root, 'key-insight.stacks.json'), 'utf8'));
  return { root, outdir, synth, record };
}

function refusalOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof SynthRefusal) return error.message;
    throw error;
  }
  throw new Error('the synth was not refused');
}

const HEADER =
  'Refusing to synthesize: key-insight.stacks.json records these stacks, which are no longer configured and were not retired first, ' +
  'so their state may still hold resources that nothing would manage any more (nothing was written):\n';

describe('the first synth', () => {
  it('writes the record: every stack with its environment, backend kind and state location, by name', () => {
    const { synth, record } = project();

    synth(configWith(environment('ki-prod', S3, [{ accountId: '111111111111' }]), environment('ki-hcp', CLOUD), minimalStack({ name: 'ki-dev' })));

    expect(record().stacks).toEqual({
      'ki-dev': { environment: 'ki-dev', backend: 'local', state: 'terraform.ki-dev.tfstate' },
      'ki-dev-secret': { environment: 'ki-dev', backend: 'local', state: 'terraform.ki-dev-secret.tfstate' },
      'ki-hcp': { environment: 'ki-hcp', backend: 'cloud', state: 'app.terraform.io/acme/workspaces/ki-ki-hcp' },
      'ki-hcp-secret': { environment: 'ki-hcp', backend: 'cloud', state: 'app.terraform.io/acme/workspaces/ki-ki-hcp-secret' },
      'ki-prod': { environment: 'ki-prod', backend: 's3', state: 's3://acme-state/ki/ki-prod.tfstate' },
      'ki-prod-111111111111': { environment: 'ki-prod', backend: 's3', state: 's3://acme-state/ki/ki-prod-111111111111.tfstate' },
      'ki-prod-secret': { environment: 'ki-prod', backend: 's3', state: 's3://acme-state/ki/ki-prod-secret.tfstate' },
    });
    expect(Object.keys(record().stacks)).toEqual(['ki-dev', 'ki-dev-secret', 'ki-hcp', 'ki-hcp-secret', 'ki-prod', 'ki-prod-111111111111', 'ki-prod-secret']);
  });
});

describe('an account of an s3 environment', () => {
  const twoAccounts = () => configWith(environment('ki-prod', S3, [{ accountId: '111111111111' }, { accountId: '222222222222' }]));

  it('removed without being retired first is refused, naming its stack, its state and the way out, and nothing is written', () => {
    const { root, outdir, synth } = project();
    synth(twoAccounts());
    rmSync(outdir, { recursive: true });
    const recorded = readFileSync(join(root, 'key-insight.stacks.json'), 'utf8');

    const message = refusalOf(() => synth(configWith(environment('ki-prod', S3, [{ accountId: '111111111111' }]))));

    expect(message).toBe(
      HEADER +
        '  - ki-prod-222222222222 (s3 state s3://acme-state/ki/ki-prod-222222222222.tfstate): retire it first: set "retired": true on account 222222222222 in stacks[].aws.accounts of environment "ki-prod", ' +
        'synthesize and deploy ki-prod-222222222222 (npx cdktf deploy ki-prod-222222222222), which destroys its resources, then remove the account',
    );
    expect(readdirSync(join(outdir, 'stacks'))).toEqual([]);
    expect(readFileSync(join(root, 'key-insight.stacks.json'), 'utf8')).toBe(recorded);
  });

  it('retired synthesizes, with a stack that keeps its backend and holds no resources, and the record marks it retired', () => {
    const { outdir, synth, record } = project();
    synth(twoAccounts());

    synth(configWith(environment('ki-prod', S3, [{ accountId: '111111111111' }, { accountId: '222222222222', retired: true }])));

    const stack = JSON.parse(readFileSync(join(outdir, 'stacks', 'ki-prod-222222222222', 'cdk.tf.json'), 'utf8'));
    expect([stack.resource, stack.terraform.backend.s3.key]).toEqual([undefined, 'ki/ki-prod-222222222222.tfstate']);
    expect(record().stacks['ki-prod-222222222222']).toEqual({ environment: 'ki-prod', backend: 's3', state: 's3://acme-state/ki/ki-prod-222222222222.tfstate', retired: true });
  });

  it('removed after a synth that retired it is accepted, and leaves the record', () => {
    const { synth, record } = project();
    synth(twoAccounts());
    synth(configWith(environment('ki-prod', S3, [{ accountId: '111111111111' }, { accountId: '222222222222', retired: true }])));

    synth(configWith(environment('ki-prod', S3, [{ accountId: '111111111111' }])));

    expect(Object.keys(record().stacks)).toEqual(['ki-prod', 'ki-prod-111111111111', 'ki-prod-secret']);
  });
});

describe('an environment', () => {
  const two = () => configWith(environment('ki-prod', S3), environment('ki-old', CLOUD, [{ accountId: '333333333333' }]));

  it('removed without being retired first is refused, naming its stacks, their states and the way out', () => {
    const { synth } = project();
    synth(two());

    expect(refusalOf(() => synth(configWith(environment('ki-prod', S3))))).toBe(
      HEADER +
        '  - ki-old, ki-old-333333333333, ki-old-secret (cloud state app.terraform.io/acme/workspaces/ki-ki-old, cloud state app.terraform.io/acme/workspaces/ki-ki-old-333333333333, cloud state app.terraform.io/acme/workspaces/ki-ki-old-secret): ' +
        'retire environment "ki-old" first: put it back with "retired": true (stacks[].retired), synthesize and deploy its stacks (npx cdktf deploy ki-old ki-old-333333333333 ki-old-secret), which destroys their resources, then remove it; ' +
        'if it was renamed instead, move its states with `npx key-insight rename-stack ki-old <new name>`, then delete these stacks from key-insight.stacks.json',
    );
  });

  it('retired keeps every stack with its backend and providers, none holding a resource, data source or output', () => {
    const { outdir, synth } = project();
    synth(two());

    synth(configWith(environment('ki-prod', S3), { ...environment('ki-old', CLOUD, [{ accountId: '333333333333' }]), retired: true }));

    const kept = ['ki-old', 'ki-old-secret', 'ki-old-333333333333'].map((name) => {
      const stack = JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
      return [name, Object.keys(stack.provider).sort(), stack.terraform.cloud.workspaces.name, stack.resource, stack.data, stack.output];
    });
    expect(kept).toEqual([
      ['ki-old', ['okta'], 'ki-ki-old', undefined, undefined, undefined],
      ['ki-old-secret', ['okta'], 'ki-ki-old-secret', undefined, undefined, undefined],
      ['ki-old-333333333333', ['aws'], 'ki-ki-old-333333333333', undefined, undefined, undefined],
    ]);
  });

  it('retired without accounts keeps its AWS provider, to destroy its AWS half', () => {
    const { outdir, synth } = project();

    synth(configWith({ ...environment('ki-old', S3), retired: true }));

    const stack = JSON.parse(readFileSync(join(outdir, 'stacks', 'ki-old', 'cdk.tf.json'), 'utf8'));
    expect([Object.keys(stack.provider).sort(), stack.resource]).toEqual([['aws', 'okta'], undefined]);
  });

  it('removed after a synth that retired it is accepted, and leaves the record', () => {
    const { synth, record } = project();
    synth(two());
    synth(configWith(environment('ki-prod', S3), { ...environment('ki-old', CLOUD, [{ accountId: '333333333333' }]), retired: true }));

    synth(configWith(environment('ki-prod', S3)));

    expect(Object.keys(record().stacks)).toEqual(['ki-prod', 'ki-prod-secret']);
  });
});

describe('a stack with local state', () => {
  it('removed is left to the check of its state file: without one, the removal is accepted', () => {
    const { synth, record } = project();
    synth(configWith(environment('ki', { type: 'local' }, [{ accountId: '111111111111' }, { accountId: '222222222222' }])));

    synth(configWith(environment('ki', { type: 'local' }, [{ accountId: '111111111111' }])));

    expect(Object.keys(record().stacks)).toEqual(['ki', 'ki-111111111111', 'ki-secret']);
  });
});

describe('a record the synth cannot read', () => {
  it.each([
    ['not JSON', '{ "stacks": ', 'is not JSON (Unexpected end of JSON input)'],
    ['of another shape', JSON.stringify({ stacks: { ki: { backend: 'ftp', state: 'x', environment: 'ki' } } }), 'is not a record of stacks the synth writes'],
  ])('is refused when it is %s, and nothing is written', (_kind, text, problem) => {
    const { root, outdir, synth } = project();
    writeFileSync(join(root, 'key-insight.stacks.json'), text);

    expect(refusalOf(() => synth(configWith(minimalStack())))).toBe(`${join(root, 'key-insight.stacks.json')} ${problem}; restore it from version control, nothing was written`);
    expect(existsSync(join(outdir, 'manifest.json'))).toBe(false);
  });
});

describe('a frozen record (KEY_INSIGHT_STACKS_FROZEN=1)', () => {
  it('refuses a synth that would change it, and writes nothing', () => {
    const { root, outdir, synth } = project();
    synth(configWith(minimalStack({ name: 'ki' })));
    rmSync(outdir, { recursive: true });
    const recorded = readFileSync(join(root, 'key-insight.stacks.json'), 'utf8');

    expect(refusalOf(() => synth(configWith(minimalStack({ name: 'ki' }), minimalStack({ name: 'ki-new' })), { stacksFrozen: true }))).toBe(
      'key-insight.stacks.json does not match the configuration, and KEY_INSIGHT_STACKS_FROZEN=1 keeps the synth from writing it: ' +
        'run the synth without KEY_INSIGHT_STACKS_FROZEN and commit key-insight.stacks.json with the configuration; nothing was written',
    );
    expect([existsSync(join(outdir, 'manifest.json')), readFileSync(join(root, 'key-insight.stacks.json'), 'utf8')]).toEqual([false, recorded]);
  });

  it('refuses a synth without a record', () => {
    const { root, synth } = project();

    expect(refusalOf(() => synth(configWith(minimalStack()), { stacksFrozen: true }))).toBe(
      'key-insight.stacks.json is missing, and KEY_INSIGHT_STACKS_FROZEN=1 keeps the synth from writing it: ' +
        'run the synth without KEY_INSIGHT_STACKS_FROZEN and commit key-insight.stacks.json with the configuration; nothing was written',
    );
    expect(existsSync(join(root, 'key-insight.stacks.json'))).toBe(false);
  });

  it('synthesizes a configuration the record matches', () => {
    const { outdir, synth } = project();
    synth(configWith(minimalStack({ name: 'ki' })));

    synth(configWith(minimalStack({ name: 'ki' })), { stacksFrozen: true });

    expect(existsSync(join(outdir, 'stacks', 'ki', 'cdk.tf.json'))).toBe(true);
  });
});
