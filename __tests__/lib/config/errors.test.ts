/** The messages a refused configuration gets: in this project's words, each problem once. */
import { parseConfig } from '../../../lib/config';
import { configWith, minimalStack, problemsOf, refusalOf, withValue } from '../../helpers/config';

/** Every path of a JSON value, with the value there. */
function pathsOf(value: unknown, path: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [path];
  const children = Array.isArray(value)
    ? value.flatMap((item, index) => pathsOf(item, [...path, String(index)]))
    : Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...path, key]));
  return [path, ...children];
}

function replaced(root: any, path: string[], value: unknown): any {
  if (path.length === 0) return value;
  const copy = structuredClone(root);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]] = value;
  return copy;
}

describe('wording', () => {
  // A stack that sets every field, so that every field gets a value of each wrong kind.
  const everything = configWith(
    minimalStack({
      okta: {
        app: { label: 'L' },
        authorizationServer: { name: 'N', audience: 'api://x', description: 'D' },
        scopes: [{ name: 's', description: 'D', default: true }],
        accessPolicy: { name: 'P', description: 'D', assignTo: 'this-app' },
        rule: { name: 'R', accessTokenLifetimeMinutes: 60 },
      },
      aws: {
        region: 'eu-west-1',
        accounts: [{ accountId: '111111111111', region: 'eu-west-2', assumeRoleArn: 'arn:aws:iam::111111111111:role/d' }],
        role: { name: 'r', maxSessionDurationSeconds: 3600, permissionsBoundaryArn: 'arn:aws:iam::aws:policy/B' },
        oidcProvider: { thumbprints: ['a'.repeat(40)] },
        scanning: { services: ['kms'], managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] },
      },
      backend: { type: 's3', bucket: 'acme-state', keyPrefix: 'ki', region: 'eu-west-1', kmsKeyId: 'alias/k', dynamodbTable: 'locks' },
      acknowledge: [{ id: 'KI-TOKEN-LIFETIME', reason: 'a reason of some length' }],
      tags: { team: 'a' },
    }),
  );
  const wrongKinds: unknown[] = [null, 7, 'text', true, [], {}, [1]];
  const messages = pathsOf(everything).flatMap((path) =>
    wrongKinds.map((wrong) => {
      try {
        parseConfig(replaced(everything, path, wrong));
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    }),
  );

  it('checks a message for every field and every kind of wrong value', () => {
    expect(pathsOf(everything).length).toBeGreaterThan(50);
    expect(messages.filter((message) => message !== '').length).toBeGreaterThan(pathsOf(everything).length * 4);
  });

  it("never uses the schema library's words", () => {
    const library = /Invalid input|expected \w+, received|Invalid option|Too (big|small)|Unrecognized key|Invalid (string|type|union|element)/;
    expect(messages.filter((message) => library.test(message))).toEqual([]);
  });

  it('names every problem as "<field> is <value>", "<field> is missing" or "<field> has <key>"', () => {
    const lines = messages.flatMap((message) => message.split('\n').slice(1));
    expect(lines.filter((line) => !/^ {2}- (the configuration|[\w$[\]."]+) (is|has) /.test(line))).toEqual([]);
  });
});

describe('a missing or wrong object', () => {
  it('says which keys a missing object must have, and which it may have', () => {
    expect(refusalOf('okta', undefined)).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[0].okta is missing, but must be an object with authorizationServer and scopes, and optionally app, accessPolicy, rule',
    );
  });

  it('says so for a missing aws object', () => {
    expect(refusalOf('aws', undefined)).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[0].aws is missing, but must be an object with region, and optionally accounts, organization, role, oidcProvider, scanning',
    );
  });

  it('says what a list item must be', () => {
    expect(refusalOf('okta.scopes', ['fortanix.scan'])).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[0].okta.scopes[0] is "fortanix.scan", but must be an object with name, and optionally description, default',
    );
  });

  it('lists the keys of an object whose keys are all optional', () => {
    expect(refusalOf('aws.role', 'scanner')).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[0].aws.role is "scanner", but must be an object with any of name, maxSessionDurationSeconds, permissionsBoundaryArn, permissionsBoundaryName',
    );
  });

  it('says what the whole file must be', () => {
    expect(problemsOf([])).toBe(
      'Invalid configuration in test.json (1 problem):\n  - the configuration is [], but must be an object with stacks, and optionally $schema',
    );
  });

  it('names the backend types for a backend that is not an object', () => {
    expect(refusalOf('backend', 's3')).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[0].backend is "s3", but must be an object whose type is one of "local", "s3", "cloud"',
    );
  });
});

describe('each problem once', () => {
  it('gives a field that breaks two rules one line that names both', () => {
    const stack = withValue(minimalStack(), 'okta.scopes', [{ name: 'openid' }, { name: 'openid' }]);
    expect(problemsOf(configWith(stack))).toBe(
      'Invalid configuration in test.json (2 problems):\n' +
        '  - stacks[0].okta.scopes[0].name is "openid", but must be a custom scope name, not one Okta reserves (openid, profile, email, address, phone, offline_access, device_sso, okta.*)\n' +
        '  - stacks[0].okta.scopes[1].name is "openid", but must be a custom scope name, not one Okta reserves (openid, profile, email, address, phone, offline_access, device_sso, okta.*), and a name no other scope has',
    );
  });

  it('gives a value that fails several checks of one rule one line', () => {
    expect(refusalOf('okta.app.label', '')).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[0].okta.app.label is "", but must be text of 1 to 100 printable characters, without ${ or %{ (Terraform would evaluate them)',
    );
  });
});
