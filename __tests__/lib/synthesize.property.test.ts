/**
 * Hostile-input testing: generated configurations, valid ones and ones broken in one field at a time,
 * always end in a synth whose output passes the structural checks, or in a clean error that names a
 * field and leaves nothing written.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { App } from 'cdktf';
import fc from 'fast-check';
import { ConfigError, parseConfig, type KeyInsightConfig, type StackConfig } from '../../lib/config';
import { OUTPUT_NAMES } from '../../lib/outputs';
import { isReadOnlyAction } from '../../lib/scanning-policy';
import { accountIdOfStack, accountStackName, secretStackName } from '../../lib/stack-names';
import { ReviewRefusal, synthesize } from '../../lib/synthesize';

const RUNS = 40;

const letters = 'abcdefghijklmnopqrstuvwxyz';
/** Free text as a valid configuration may hold it: printable, no Terraform template syntax. */
const textArb = (maxLength: number) =>
  fc.string({ minLength: 1, maxLength }).filter((text) => !/[$%]\{/.test(text) && /^[^\u0000-\u001f\u007f]+$/.test(text));
const nameArb = fc
  .tuple(fc.constantFrom(...letters.split('')), fc.string({ unit: fc.constantFrom(...`${letters}0123456789-_`.split('')), maxLength: 20 }))
  .map(([first, rest]) => first + rest);
const scopeArb = fc.record(
  {
    name: fc.string({ unit: fc.constantFrom(...`${letters}0123456789._:/-`.split('')), minLength: 1, maxLength: 30 }).map((s) => `k${s}`),
    description: textArb(40),
    default: fc.boolean(),
  },
  { requiredKeys: ['name'] },
);
const accountIdArb = fc.integer({ min: 100_000_000_000, max: 999_999_999_999 }).map(String);

const stackArb = fc.record(
  {
    name: nameArb,
    okta: fc.record(
      {
        app: fc.record({ label: textArb(100) }, { requiredKeys: [] }),
        authorizationServer: fc.record(
          {
            audience: fc.webUrl().map((url) => url.slice(0, 255)),
            name: textArb(60),
            description: textArb(60),
          },
          { requiredKeys: ['audience'] },
        ),
        scopes: fc.uniqueArray(scopeArb, { minLength: 1, maxLength: 4, selector: (scope) => scope.name }),
        accessPolicy: fc.record(
          { assignTo: fc.constantFrom('this-app', 'all-clients'), name: textArb(40) },
          { requiredKeys: [] },
        ),
        rule: fc.record({ accessTokenLifetimeMinutes: fc.integer({ min: 5, max: 1440 }) }, { requiredKeys: [] }),
      },
      { requiredKeys: ['authorizationServer', 'scopes'] },
    ),
    aws: fc.record(
      {
        region: fc.constantFrom('us-east-1', 'eu-west-2', 'ap-southeast-2', 'us-gov-west-1'),
        role: fc.record({ maxSessionDurationSeconds: fc.integer({ min: 3600, max: 43200 }) }, { requiredKeys: [] }),
        accounts: fc.uniqueArray(fc.record({ accountId: accountIdArb }), { minLength: 1, maxLength: 3, selector: (a) => a.accountId }),
      },
      { requiredKeys: ['region'] },
    ),
    backend: fc.constantFrom({ type: 'local' }, { type: 's3', bucket: 'acme-state', keyPrefix: 'ki', region: 'us-east-1' }),
    tags: fc.dictionary(fc.string({ unit: fc.constantFrom(...letters.split('')), minLength: 1, maxLength: 10 }), fc.string({ unit: fc.constantFrom(...letters.split('')), maxLength: 10 }), { maxKeys: 3 }),
  },
  { requiredKeys: ['name', 'okta', 'aws'] },
);

const configArb = fc
  .uniqueArray(stackArb, { minLength: 1, maxLength: 3, selector: (stack) => stack.name.toLowerCase() })
  .map((stacks) => ({ stacks }));

/** Values that break a field: wrong types, huge strings, unicode, prototype keys, template syntax. */
const hostileArb = fc.oneof(
  fc.constantFrom<unknown>(null, true, 0, -1, 1e308, Number.NaN, '', ' ', [], {}, [null], '${path.root}', '%{ if true }', '\u0000', 'ünïcødé 🚀', 'a'.repeat(100_000)),
  fc.constantFrom<unknown>(
    JSON.parse('{"__proto__":{"polluted":true}}'),
    JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'),
    { toString: 'x', valueOf: 1 },
  ),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
);

/** Every place a value can be broken: leaf paths of a full stack, plus whole sections. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
}

function setAt(root: any, path: (string | number)[], value: unknown): any {
  if (path.length === 0) return value;
  const copy = structuredClone(root);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  Object.defineProperty(node, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

type Outcome = { kind: 'synthesized'; outdir: string } | { kind: 'refused'; message: string; outdir: string };

function attempt(input: unknown): Outcome {
  const outdir = join(mkdtempSync(join(tmpdir(), 'ki-property-')), 'cdktf.out');
  try {
    const config = parseConfig(input, 'generated.json');
    synthesize(new App({ outdir }), config);
    return { kind: 'synthesized', outdir };
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ReviewRefusal) return { kind: 'refused', message: error.message, outdir };
    throw error;
  }
}

function filesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

const REFERENCE = /^\$\{(okta_[a-z_]+\.\w+\.[a-z_]+|aws_[a-z_]+\.\w+\.[a-z_]+|data\.okta_app_oauth\.\w+\.client_secret|data\.terraform_remote_state\.[\w-]+\.outputs\.[\w-]+|terraform\.workspace|replace\([^}]*\))\}/;

/** The environment a synthesized stack belongs to: its own stack or one of its account stacks. */
function environmentOf(config: KeyInsightConfig, stackName: string): StackConfig {
  const environment = config.stacks.find((stack) => stack.name === stackName || accountIdOfStack(stack.name, stackName) !== undefined);
  if (environment === undefined) throw new Error(`no environment has a stack named ${stackName}`);
  return environment;
}

/** The structural checks every synthesized configuration must pass. */
function expectSound(outdir: string, input: any): void {
  const config = parseConfig(input);
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  const expectedStacks = config.stacks.flatMap((stack) => [
    stack.name,
    secretStackName(stack.name),
    ...(stack.aws.accounts ?? []).map((a) => accountStackName(stack.name, a.accountId)),
  ]);
  expect(Object.keys(manifest.stacks).sort()).toEqual(expectedStacks.sort());

  for (const environment of config.stacks) {
    const okta = JSON.parse(readFileSync(join(outdir, 'stacks', environment.name, 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(okta.resource.okta_auth_server_scope)).toHaveLength(environment.okta.scopes.length);
    const [rule] = Object.values<any>(okta.resource.okta_auth_server_policy_rule);
    expect(rule.grant_type_whitelist).toEqual(['client_credentials']);
    expect(rule.scope_whitelist).not.toContain('*');
    expect(rule.access_token_lifetime_minutes).toBe(environment.okta.rule.accessTokenLifetimeMinutes);
    expect(okta.terraform.required_providers.okta.version).toBe('6.12.0');
    const secret = JSON.parse(readFileSync(join(outdir, 'stacks', secretStackName(environment.name), 'cdk.tf.json'), 'utf8'));
    if (environment.okta.app.clientSecret === 'terraform') expect(secret.output[OUTPUT_NAMES.clientSecret].sensitive).toBe(true);
    expect(okta.output[OUTPUT_NAMES.clientSecret]).toBeUndefined();
    expect(okta.data).toBeUndefined();
  }

  for (const file of filesIn(join(outdir, 'stacks'))) {
    const text = readFileSync(file, 'utf8');
    // Every ${ in the output is one of the references the stack writes: nothing from the input is evaluated.
    for (const match of text.matchAll(/\$\{/g)) {
      const rest = JSON.parse(`"${text.slice(match.index).match(/^((?:[^"\\]|\\.)*)/)![1]}"`);
      expect(rest).toMatch(REFERENCE);
    }
    const stack = JSON.parse(text);
    for (const role of Object.values<any>(stack.resource?.aws_iam_role ?? {})) {
      // The issuer's host and path are a Terraform expression until apply; read the policy around it.
      const policy = role.assume_role_policy.replace(/\$\{replace\([^}]*\)\}/g, 'issuer');
      const conditions: Record<string, string> = JSON.parse(policy).Statement[0].Condition.StringEquals;
      expect(Object.keys(conditions).sort()).toEqual(['issuer:aud', 'issuer:sub']);
      expect(conditions['issuer:aud']).toBe(environmentOf(config, basename(dirname(file))).okta.authorizationServer.audience);
      expect(conditions['issuer:sub']).toMatch(REFERENCE);
    }
    for (const policy of Object.values<any>(stack.resource?.aws_iam_policy ?? {})) {
      expect(JSON.parse(policy.policy).Statement[0].Action.every(isReadOnlyAction)).toBe(true);
    }
  }
}

function expectCleanRefusal(outcome: Extract<Outcome, { kind: 'refused' }>): void {
  expect(outcome.message).toMatch(/(stacks(\[\d+\])?|the configuration)\b|\[KI-[A-Z-]+\]/);
  expect(outcome.message).not.toMatch(/\n\s+at /);
  expect(outcome.message.length).toBeLessThan(20_000);
  expect(filesIn(outcome.outdir)).toEqual([]);
}

it('synthesizes every valid configuration into sound Terraform, or refuses it by a review rule', () => {
  fc.assert(
    fc.property(configArb, (input) => {
      const outcome = attempt(input);
      if (outcome.kind === 'synthesized') expectSound(outcome.outdir, input);
      else {
        expect(outcome.message).toMatch(/^The security review refused the synth:\n {2}- \[KI-TRUST-WILDCARD\]/);
        expectCleanRefusal(outcome);
      }
    }),
    { numRuns: RUNS },
  );
});

it('ends a configuration broken in one field in a sound synth or a clean error naming a field', () => {
  const broken = configArb.chain((input) =>
    fc.tuple(fc.constant(input), fc.constantFrom(...pathsOf(input)), hostileArb),
  );
  fc.assert(
    fc.property(broken, ([input, path, value]) => {
      const hostile = setAt(input, path, value);
      const outcome = attempt(hostile);
      if (outcome.kind === 'synthesized') expectSound(outcome.outdir, hostile);
      else expectCleanRefusal(outcome);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }),
    { numRuns: RUNS * 2 },
  );
});

/** The value at a path of pathsOf. */
function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<any>((node, key) => node[key], root);
}

const isObject = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);

it('names unknown and prototype keys added to any object (tags take any key but __proto__)', () => {
  // Only paths to objects, so that every run adds a key and checks the outcome.
  const withExtraKey = configArb.chain((input) =>
    fc.tuple(
      fc.constant(input),
      fc.constantFrom(...pathsOf(input).filter((path) => path.length > 0 && isObject(valueAt(input, path)))),
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', 'Name'),
    ),
  );
  fc.assert(
    fc.property(withExtraKey, ([generated, path, key]) => {
      const input = structuredClone(generated);
      Object.defineProperty(valueAt(input, path), key, { value: 'x', enumerable: true, writable: true, configurable: true });
      const outcome = attempt(input);
      if (path[path.length - 1] === 'tags' && key !== '__proto__') {
        // A tag named like a prototype key is a tag: the synth goes on as for any valid configuration.
        if (outcome.kind === 'synthesized') expectSound(outcome.outdir, input);
        else expect(outcome.message).toMatch(/^The security review refused the synth:\n {2}- \[KI-TRUST-WILDCARD\]/);
        return;
      }
      expect(outcome.kind).toBe('refused');
      expect(outcome.kind === 'refused' && outcome.message).toContain(
        key === '__proto__' ? 'has a "__proto__" key, which is never allowed' : `unknown key "${key}"`,
      );
      if (outcome.kind === 'refused') expectCleanRefusal(outcome);
    }),
    { numRuns: RUNS },
  );
});
