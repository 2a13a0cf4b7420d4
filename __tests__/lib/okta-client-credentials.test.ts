import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { OktaClientCredentials, OktaClientCredentialsProps, scopeConstructId } from '../../lib/okta-client-credentials';
import { configWith, minimalStack, oneEnvironment, withValue, ROOT } from '../helpers/config';
import { onlyResource, resourcesOf, synthConfig, TerraformJson } from '../helpers/synth';

const OKTA_TYPES = [
  'okta_app_oauth',
  'okta_auth_server',
  'okta_auth_server_scope',
  'okta_auth_server_policy',
  'okta_auth_server_policy_rule',
] as const;

function synthOkta(props: Partial<OktaClientCredentialsProps> = {}): TerraformJson {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new OktaClientCredentials(stack, 'Okta', {
    appLabel: 'Key Insight',
    authorizationServerName: 'KI server',
    authorizationServerDescription: 'KI tokens',
    audience: 'api://ki',
    scopes: [{ name: 'ki.scan', description: 'Scan', isDefault: true }],
    accessPolicyName: 'KI policy',
    accessPolicyDescription: 'KI policy description',
    ruleName: 'KI rule',
    accessTokenLifetimeMinutes: 30,
    ...props,
  });
  return JSON.parse(Testing.synth(stack));
}

/** The Terraform address of the scope named `name` in a stack. */
function addressOf(stack: TerraformJson, name: string): string {
  const found = Object.entries(stack.resource!.okta_auth_server_scope).filter(([, scope]) => scope.name === name);
  if (found.length !== 1) throw new Error(`expected one scope named ${name}, found ${found.length}`);
  return `okta_auth_server_scope.${found[0]![0]}`;
}

describe('the API Services app', () => {
  it('is a service app that may only use client credentials with client_secret_basic, and keeps no secret in state', () => {
    expect(onlyResource(synthOkta(), 'okta_app_oauth')).toEqual({
      label: 'Key Insight',
      type: 'service',
      grant_types: ['client_credentials'],
      response_types: ['token'],
      token_endpoint_auth_method: 'client_secret_basic',
      omit_secret: true,
      skip_authentication_policy: true,
    });
  });

  it('skips the sign-on policy with an attribute that okta/okta 6.12.0 accepts as an optional Boolean', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, '__tests__', 'fixtures', 'okta-6.12.0-schema.json'), 'utf8'));

    expect(onlyResource(synthOkta(), 'okta_app_oauth').skip_authentication_policy).toBe(true);
    expect(schema.okta_app_oauth.skip_authentication_policy).toEqual({ kind: 'optional', type: 'Boolean' });
  });
});

describe('the authorization server', () => {
  it('has the one audience, the name and description, and the org URL as issuer', () => {
    expect(onlyResource(synthOkta(), 'okta_auth_server')).toEqual({
      name: 'KI server',
      description: 'KI tokens',
      audiences: ['api://ki'],
      issuer_mode: 'ORG_URL',
    });
  });
});

describe('scopes', () => {
  it('creates each scope on the server with implicit consent', () => {
    const scopes = resourcesOf(
      synthOkta({
        scopes: [
          { name: 'ki.scan', description: 'Scan', isDefault: true },
          { name: 'ki.report', description: 'Report', isDefault: false },
        ],
      }),
      'okta_auth_server_scope',
    );
    // Terraform JSON lists resources by address, and a scope's address comes from its name.
    expect(scopes.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { auth_server_id: expect.stringMatching(/^\$\{okta_auth_server\.\w+\.id\}$/), name: 'ki.report', description: 'Report', default: false, consent: 'IMPLICIT' },
      { auth_server_id: expect.stringMatching(/^\$\{okta_auth_server\.\w+\.id\}$/), name: 'ki.scan', description: 'Scan', default: true, consent: 'IMPLICIT' },
    ]);
  });

  it('refuses to build a rule without scopes', () => {
    expect(() => synthOkta({ scopes: [] })).toThrow('scopes is empty, but the access rule needs at least one scope to allow');
  });

  const SCAN = { name: 'ki.scan', description: 'Scan', isDefault: true };
  const REPORT = { name: 'ki.report', description: 'Report', isDefault: false };

  it("keys a scope by its name: removing the first of two scopes leaves the second one's address as it was", () => {
    const before = addressOf(synthOkta({ scopes: [SCAN, REPORT] }), 'ki.report');
    const after = addressOf(synthOkta({ scopes: [{ ...REPORT, isDefault: true }] }), 'ki.report');

    expect(after).toBe(before);
    expect(before).toMatch(/^okta_auth_server_scope\.Okta_Scope_ki_2Ereport_[0-9A-F]{8}$/);
  });

  it('keys a scope by its name: reordering two scopes leaves both addresses as they were', () => {
    const before = synthOkta({ scopes: [SCAN, REPORT] });
    const reordered = synthOkta({ scopes: [REPORT, SCAN] });

    expect(addressOf(reordered, 'ki.scan')).toBe(addressOf(before, 'ki.scan'));
    expect(addressOf(reordered, 'ki.report')).toBe(addressOf(before, 'ki.report'));
  });

  it('gives names that differ only in characters an address cannot hold distinct construct IDs, each character written as _ and its hex code', () => {
    const names = ['a.b', 'a:b', 'a/b', 'a_b', 'a_2Eb', 'a-b', 'ab'];

    expect(names.map(scopeConstructId)).toEqual(['Scope_a_2Eb', 'Scope_a_3Ab', 'Scope_a_2Fb', 'Scope_a_5Fb', 'Scope_a_5F2Eb', 'Scope_a_2Db', 'Scope_ab']);
    const stack = synthOkta({ scopes: names.map((name) => ({ name, description: name, isDefault: false })) });
    expect(new Set(names.map((name) => addressOf(stack, name))).size).toBe(names.length);
  });

  it('moves the scopes of a two-scope environment deployed when scopes were keyed by position to the names configured in that order', () => {
    const stack = synthOkta({ scopes: [SCAN, REPORT] }) as TerraformJson & { moved?: unknown };

    // The addresses the synth wrote before scopes were keyed by name, for scopes 0 and 1 of construct "Okta".
    expect(stack.moved).toEqual([
      { from: 'okta_auth_server_scope.Okta_Scope0_0B47D4D1', to: addressOf(stack, 'ki.scan') },
      { from: 'okta_auth_server_scope.Okta_Scope1_62E9E810', to: addressOf(stack, 'ki.report') },
    ]);
  });

  function defaultsOf(scopes: object[]): boolean[] {
    const stack = Object.values(synthConfig(configWith(withValue(minimalStack(), 'okta.scopes', scopes))))[0];
    return resourcesOf(stack, 'okta_auth_server_scope').map((scope) => scope.default);
  }

  it('makes the first scope the default when the configuration marks none', () => {
    expect(defaultsOf([{ name: 'a' }, { name: 'b' }])).toEqual([true, false]);
  });

  it('follows the configuration when it marks defaults', () => {
    expect(defaultsOf([{ name: 'a' }, { name: 'b', default: true }])).toEqual([false, true]);
    expect(defaultsOf([{ name: 'a', default: false }])).toEqual([false]);
  });
});

describe('the access policy', () => {
  it("covers only this stack's app by default", () => {
    const stack = synthOkta();
    expect(onlyResource(stack, 'okta_auth_server_policy')).toEqual({
      auth_server_id: expect.stringMatching(/^\$\{okta_auth_server\.\w+\.id\}$/),
      name: 'KI policy',
      description: 'KI policy description',
      priority: 1,
      client_whitelist: [expect.stringMatching(/^\$\{okta_app_oauth\.\w+\.client_id\}$/)],
    });
  });

  it('covers every client with assignTo all-clients', () => {
    const policy = onlyResource(synthOkta({ assignTo: 'all-clients' }), 'okta_auth_server_policy');
    expect(policy.client_whitelist).toEqual(['ALL_CLIENTS']);
  });
});

describe('the rule', () => {
  it('allows only client credentials for exactly the created scopes, with the configured lifetime', () => {
    const stack = synthOkta({
      scopes: [
        { name: 'ki.scan', description: 'Scan', isDefault: true },
        { name: 'ki.report', description: 'Report', isDefault: false },
      ],
    });
    expect(onlyResource(stack, 'okta_auth_server_policy_rule')).toEqual({
      auth_server_id: expect.stringMatching(/^\$\{okta_auth_server\.\w+\.id\}$/),
      policy_id: expect.stringMatching(/^\$\{okta_auth_server_policy\.\w+\.id\}$/),
      name: 'KI rule',
      priority: 1,
      grant_type_whitelist: ['client_credentials'],
      scope_whitelist: [`\${${addressOf(stack, 'ki.scan')}.name}`, `\${${addressOf(stack, 'ki.report')}.name}`],
      access_token_lifetime_minutes: 30,
    });
  });
});

describe('compatibility with okta/okta 6.12.0', () => {
  type Table = Record<string, Record<string, { kind: 'required' | 'optional' | 'read-only'; type: string }>>;
  // The attribute tables of okta/okta 6.12.0's docs/resources/<name>.md (kind and type of each attribute).
  const schema: Table = JSON.parse(readFileSync(join(ROOT, '__tests__', 'fixtures', 'okta-6.12.0-schema.json'), 'utf8'));
  // Every optional setting the configuration can change, so that all emitted attributes are seen.
  const everything = withValue(
    withValue(minimalStack(), 'okta.scopes', [{ name: 'a', description: 'A', default: true }, { name: 'b' }]),
    'okta.accessPolicy',
    { name: 'P', description: 'D', assignTo: 'all-clients' },
  );
  const stacks = [oneEnvironment(), configWith(everything)].map((config) => Object.values(synthConfig(config))[0]);

  it.each(OKTA_TYPES)('emits for %s only attributes that 6.12.0 accepts as input', (type) => {
    for (const stack of stacks) {
      for (const resource of resourcesOf(stack, type)) {
        for (const attribute of Object.keys(resource)) {
          expect({ attribute, kind: schema[type][attribute]?.kind ?? 'unknown' }).toEqual({
            attribute,
            kind: expect.stringMatching(/^(required|optional)$/),
          });
        }
      }
    }
  });

  it.each(OKTA_TYPES)('emits for %s every attribute 6.12.0 requires', (type) => {
    const required = Object.entries(schema[type])
      .filter(([, spec]) => spec.kind === 'required')
      .map(([name]) => name);
    expect(required.length).toBeGreaterThan(0);
    for (const stack of stacks) {
      const resources = resourcesOf(stack, type);
      expect(resources.length).toBeGreaterThan(0);
      for (const resource of resources) {
        expect(required.filter((name) => !(name in resource))).toEqual([]);
      }
    }
  });
});
