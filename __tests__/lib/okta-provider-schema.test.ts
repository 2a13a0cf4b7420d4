/**
 * The Okta half, which no Terraform here can plan (there is no okta/okta provider binary), held to the
 * provider's own schema: fixtures/okta-6.12.0-full.json, read from okta/terraform-provider-okta's Go
 * source at tag v6.12.0 (its `source` and `source_files` fields say where; the docs-based
 * fixtures/okta-6.12.0-schema.json is the table of the provider's docs). Every okta_* resource and data
 * source that real configurations synthesize is checked for the attributes, types, values and
 * combinations that table rejects, and for what would make the provider replace the app.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configWith, minimalStack, oneEnvironment, ROOT, withValue } from '../helpers/config';
import { organizationStack } from '../helpers/organization';
import { synthConfig, type TerraformJson } from '../helpers/synth';

interface AttributeSpec {
  readonly type: string;
  readonly required: boolean;
  readonly optional: boolean;
  readonly computed: boolean;
  readonly force_new: boolean;
  readonly conflicts_with?: readonly string[];
  readonly allowed_values?: readonly string[];
  readonly validator?: string;
  readonly notes?: string;
  readonly description: string;
}
interface ResourceSpec {
  readonly attributes: Readonly<Record<string, AttributeSpec>>;
  readonly blocks?: Readonly<Record<string, unknown>>;
  readonly apply_time_grant_type_rules?: Readonly<Record<string, { required_grant_types: string[]; valid_grant_types: string[] }>>;
}
interface ProviderTable {
  readonly provider_version: string;
  readonly resources: Readonly<Record<string, ResourceSpec>>;
  readonly data_sources: Readonly<Record<string, ResourceSpec>>;
  readonly customize_diff: Readonly<Record<string, readonly string[]>>;
}

const TABLE: ProviderTable = JSON.parse(readFileSync(join(ROOT, '__tests__', 'fixtures', 'okta-6.12.0-full.json'), 'utf8'));
const DOCS_TABLE: Record<string, Record<string, { kind: string; type: string }>> = JSON.parse(
  readFileSync(join(ROOT, '__tests__', 'fixtures', 'okta-6.12.0-schema.json'), 'utf8'),
);

/**
 * Values the provider's code does not validate but its descriptions list (the table's `notes`): Okta's
 * API refuses others when the provider sends them, at apply time, long after a plan. The test below
 * checks that the table's notes still say so.
 */
const DOCUMENTED_VALUES: Record<string, Record<string, { values?: readonly string[]; range?: readonly [number, number]; note: string }>> = {
  okta_auth_server: {
    issuer_mode: { values: ['CUSTOM_URL', 'ORG_URL', 'DYNAMIC'], note: 'CUSTOM_URL, ORG_URL or DYNAMIC' },
    credentials_rotation_mode: { values: ['AUTO', 'MANUAL'], note: 'AUTO or MANUAL' },
  },
  okta_auth_server_scope: {
    // Okta refuses a client-credentials token for a scope that needs consent: IMPLICIT is the only value that works here.
    consent: { values: ['IMPLICIT'], note: 'REQUIRED or IMPLICIT' },
    metadata_publish: { values: ['ALL_CLIENTS', 'NO_CLIENTS'], note: 'ALL_CLIENTS or NO_CLIENTS' },
  },
  okta_auth_server_policy_rule: {
    access_token_lifetime_minutes: { range: [5, 1440], note: '5 to 1440' },
    grant_type_whitelist: { values: ['client_credentials'], note: 'client_credentials' },
  },
};

/** Validators named in the table, as checks of a value; an emitted attribute with another validator fails the test. */
const VALIDATORS: Record<string, (value: unknown) => boolean> = {
  'utils.StrMaxLength(250)': (value) => typeof value === 'string' && [...value].length <= 250,
  stringIsJSON: (value) => {
    try {
      return typeof value === 'string' && value !== '' && (JSON.parse(value), true);
    } catch {
      return false;
    }
  },
  'validation.StringInSlice (on each element)': () => true, // checked through allowed_values
};

/** A Terraform expression (`${...}`) stands for a value only known at apply time: its type is not checked here. */
const isExpression = (value: unknown) => typeof value === 'string' && /^\$\{.+\}$/s.test(value);

function fitsType(value: unknown, type: string): boolean {
  if (isExpression(value)) return true;
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'int':
      return Number.isInteger(value);
    case 'set of string':
    case 'list of string':
      return Array.isArray(value) && value.every((element) => typeof element === 'string');
    default:
      return false;
  }
}

/** Everything the table rejects in one synthesized resource or data source; empty when it accepts it. */
function problems(kind: 'resource' | 'data', type: string, attributes: Record<string, unknown>): string[] {
  const spec = (kind === 'resource' ? TABLE.resources : TABLE.data_sources)[type];
  if (spec === undefined) return [`${kind} ${type} is not in the table`];
  const found: string[] = [];
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'lifecycle' || name === 'depends_on' || name === 'provider') continue;
    const attribute = spec.attributes[name];
    if (attribute === undefined) {
      found.push(`${name}: not an attribute of ${type}${spec.blocks?.[name] !== undefined ? ' (a block)' : ''}`);
      continue;
    }
    if (!attribute.required && !attribute.optional) found.push(`${name}: read-only, cannot be set`);
    if (!fitsType(value, attribute.type)) found.push(`${name}: ${JSON.stringify(value)} is not a ${attribute.type}`);
    for (const other of attribute.conflicts_with ?? []) {
      if (other in attributes) found.push(`${name}: conflicts with ${other}`);
    }
    if (attribute.allowed_values !== undefined && !isExpression(value)) {
      const values = Array.isArray(value) ? value : [value];
      for (const element of values) {
        if (!attribute.allowed_values.includes(element)) found.push(`${name}: ${JSON.stringify(element)} is not one of ${attribute.allowed_values.join(', ')}`);
      }
    }
    if (attribute.validator !== undefined && !isExpression(value)) {
      const validate = VALIDATORS[attribute.validator];
      if (validate === undefined) found.push(`${name}: validator ${attribute.validator} is not known to this test`);
      else if (!validate(value)) found.push(`${name}: ${JSON.stringify(value)} fails ${attribute.validator}`);
    }
    const documented = DOCUMENTED_VALUES[type]?.[name];
    if (documented !== undefined && !isExpression(value)) {
      const values = Array.isArray(value) ? value : [value];
      for (const element of values) {
        if (documented.values !== undefined && !documented.values.includes(element)) found.push(`${name}: ${JSON.stringify(element)} is not one of ${documented.values.join(', ')}`);
        if (documented.range !== undefined && !(element >= documented.range[0] && element <= documented.range[1])) {
          found.push(`${name}: ${element} is outside ${documented.range[0]} to ${documented.range[1]}`);
        }
      }
    }
  }
  for (const [name, attribute] of Object.entries(spec.attributes)) {
    if (attribute.required && !(name in attributes)) found.push(`${name}: required, missing`);
  }
  const rules = spec.apply_time_grant_type_rules?.[attributes.type as string];
  if (rules !== undefined && Array.isArray(attributes.grant_types)) {
    const grants = attributes.grant_types as string[];
    for (const grant of rules.required_grant_types) if (!grants.includes(grant)) found.push(`grant_types: lacks ${grant}, which a ${String(attributes.type)} app requires`);
    for (const grant of grants) if (!rules.valid_grant_types.includes(grant)) found.push(`grant_types: ${grant} is not valid for a ${String(attributes.type)} app`);
  }
  return found;
}

/** Every okta_* resource and data source of every stack, without cdktf's metadata. */
function oktaBlocks(stacks: Record<string, TerraformJson>): Array<{ where: string; kind: 'resource' | 'data'; type: string; attributes: Record<string, unknown> }> {
  return Object.entries(stacks).flatMap(([stackName, stack]) =>
    (['resource', 'data'] as const).flatMap((kind) =>
      Object.entries(stack[kind] ?? {})
        .filter(([type]) => type.startsWith('okta_'))
        .flatMap(([type, byName]) =>
          Object.entries(byName).map(([name, { '//': _metadata, ...attributes }]) => ({ where: `${stackName} ${kind}.${type}.${name}`, kind, type, attributes })),
        ),
    ),
  );
}

/** Real configurations that between them set every Okta setting the configuration has. */
const CONFIGURATIONS: Record<string, unknown> = {
  'one environment': oneEnvironment(),
  'the minimal environment': configWith(minimalStack()),
  'every Okta setting': configWith(
    withValue(
      withValue(
        withValue(withValue(minimalStack(), 'okta.scopes', [{ name: 'ki.read', description: 'Read', default: true }, { name: 'ki.list' }]), 'okta.accessPolicy', {
          name: 'Key Insight policy',
          description: 'Who may get Key Insight tokens',
          assignTo: 'all-clients',
        }),
        'okta.rule',
        { name: 'Key Insight rule', accessTokenLifetimeMinutes: 1440 },
      ),
      'okta.app',
      { label: 'Key Insight', clientSecret: 'terraform' },
    ),
  ),
  'the shortest token lifetime': configWith(withValue(minimalStack(), 'okta.rule', { accessTokenLifetimeMinutes: 5 })),
  'a client secret kept by no state': configWith(withValue(minimalStack(), 'okta.app', { clientSecret: 'rotated' })),
  'accounts': configWith(withValue(minimalStack(), 'aws.accounts', [{ accountId: '111111111111' }, { accountId: '222222222222' }])),
  'an organization': configWith(organizationStack()),
};

const SYNTHESIZED = Object.fromEntries(Object.entries(CONFIGURATIONS).map(([name, config]) => [name, oktaBlocks(synthConfig(config))]));

describe('the synthesized Okta resources, held to okta/okta 6.12.0', () => {
  it.each(Object.keys(CONFIGURATIONS))('are all accepted by the schema table: %s', (name) => {
    const blocks = SYNTHESIZED[name];
    expect(blocks.filter((block) => block.kind === 'resource').map((block) => block.type).sort()).toEqual([
      'okta_app_oauth',
      'okta_auth_server',
      'okta_auth_server_policy',
      'okta_auth_server_policy_rule',
      ...blocks.filter((block) => block.type === 'okta_auth_server_scope').map(() => 'okta_auth_server_scope'),
    ]);
    expect(Object.fromEntries(blocks.map((block) => [block.where, problems(block.kind, block.type, block.attributes)]))).toEqual(
      Object.fromEntries(blocks.map((block) => [block.where, []])),
    );
  });

  it('read the client secret with the data source in <name>-secret only, and not at all when no state keeps it', () => {
    const dataSources = (name: string) => SYNTHESIZED[name].filter((block) => block.kind === 'data').map((block) => block.where.replace(/\.[^.]+$/, ''));
    expect(dataSources('the minimal environment')).toEqual(['ki-test-secret data.okta_app_oauth']);
    expect(dataSources('accounts')).toEqual(['ki-test-secret data.okta_app_oauth']);
    expect(dataSources('a client secret kept by no state')).toEqual([]);
  });

  it('keep the app from being replaced: omit_secret is always true (true -> false forces a new app) and what forces a new app never changes', () => {
    const forceNew = Object.entries(TABLE.resources.okta_app_oauth.attributes)
      .filter(([, attribute]) => attribute.force_new)
      .map(([name]) => name)
      .sort();
    expect(forceNew).toEqual(['client_id', 'type']);
    expect(TABLE.customize_diff.okta_app_oauth.join(' ')).toContain('if omit_secret changes from true to false, d.ForceNew("omit_secret")');

    const apps = Object.values(SYNTHESIZED).flatMap((blocks) => blocks.filter((block) => block.kind === 'resource' && block.type === 'okta_app_oauth'));
    expect(apps).toHaveLength(Object.keys(CONFIGURATIONS).length);
    for (const app of apps) {
      expect({ where: app.where, omit_secret: app.attributes.omit_secret, type: app.attributes.type, client_id: app.attributes.client_id }).toEqual({
        where: app.where,
        omit_secret: true,
        type: 'service',
        client_id: undefined,
      });
    }
  });
});

describe('the checks themselves, on what the table rejects', () => {
  const app = { label: 'Key Insight', type: 'service', grant_types: ['client_credentials'], response_types: ['token'], omit_secret: true };

  it.each<[string, Record<string, unknown>, string]>([
    ['an attribute the resource does not have', { ...app, client_secret_rotation: true }, 'client_secret_rotation: not an attribute of okta_app_oauth'],
    ['a read-only attribute', { ...app, client_secret: 'x' }, 'client_secret: read-only, cannot be set'],
    ['a string where a Boolean belongs', { ...app, omit_secret: 'true' }, 'omit_secret: "true" is not a bool'],
    ['conflicting attributes', { ...app, skip_authentication_policy: true, authentication_policy: 'rst1' }, 'skip_authentication_policy: conflicts with authentication_policy'],
    ['a value outside allowed_values', { ...app, response_types: ['token', 'code token'] }, 'response_types: "code token" is not one of code, token, id_token'],
    ['a note longer than its validator allows', { ...app, admin_note: 'x'.repeat(251) }, `admin_note: ${JSON.stringify('x'.repeat(251))} fails utils.StrMaxLength(250)`],
    ['a missing required attribute', { type: 'service' }, 'label: required, missing'],
    ['a grant type a service app may not have', { ...app, grant_types: ['client_credentials', 'authorization_code'] }, 'grant_types: authorization_code is not valid for a service app'],
  ])('find %s', (_case, attributes, problem) => {
    expect(problems('resource', 'okta_app_oauth', attributes)).toContain(problem);
  });

  it.each<[string, string, Record<string, unknown>, string]>([
    ['a lifetime above 1440 minutes', 'okta_auth_server_policy_rule', { access_token_lifetime_minutes: 1441 }, 'access_token_lifetime_minutes: 1441 is outside 5 to 1440'],
    ['a lifetime below 5 minutes', 'okta_auth_server_policy_rule', { access_token_lifetime_minutes: 4 }, 'access_token_lifetime_minutes: 4 is outside 5 to 1440'],
    ['a scope that needs consent', 'okta_auth_server_scope', { consent: 'REQUIRED' }, 'consent: "REQUIRED" is not one of IMPLICIT'],
    ['an issuer mode Okta does not have', 'okta_auth_server', { issuer_mode: 'ORG' }, 'issuer_mode: "ORG" is not one of CUSTOM_URL, ORG_URL, DYNAMIC'],
    ['a data source looked up by ID and label at once', 'okta_app_oauth', { id: '0oa1', label: 'Key Insight' }, 'id: conflicts with label'],
  ])('find %s', (_case, type, attributes, problem) => {
    expect(problems(type === 'okta_app_oauth' ? 'data' : 'resource', type, attributes)).toContain(problem);
  });

  it("use values the table's notes document", () => {
    for (const [type, attributes] of Object.entries(DOCUMENTED_VALUES)) {
      for (const [name, documented] of Object.entries(attributes)) {
        expect({ type, name, notes: `${TABLE.resources[type].attributes[name].notes} ${TABLE.resources[type].attributes[name].description}` }).toEqual({
          type,
          name,
          notes: expect.stringContaining(documented.note),
        });
      }
    }
  });
});

describe('the source-level table', () => {
  it("is okta/okta 6.12.0's, and agrees with the docs-based table on every attribute's name and kind", () => {
    expect(TABLE.provider_version).toBe('6.12.0');
    for (const [type, docsAttributes] of Object.entries(DOCS_TABLE)) {
      const spec = TABLE.resources[type];
      const kinds = Object.fromEntries(
        Object.entries({ ...spec.attributes, ...(spec.blocks as Record<string, AttributeSpec>) }).map(([name, attribute]) => [
          name,
          attribute.required ? 'required' : attribute.optional ? 'optional' : 'read-only',
        ]),
      );
      // The docs table also lists the `id` and `timeouts` every resource has, which the source table leaves out.
      const documented = Object.fromEntries(Object.entries(docsAttributes).filter(([name]) => name !== 'id' && name !== 'timeouts').map(([name, attribute]) => [name, attribute.kind]));
      expect({ type, kinds }).toEqual({ type, kinds: documented });
    }
  });
});
