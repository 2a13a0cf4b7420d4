import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, configPath, loadConfig, parseConfig } from '../../lib/config';
import { configWith, minimalStack, shippedConfig, withValue } from '../helpers/config';

function problemsOf(input: unknown): string {
  try {
    parseConfig(input, 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

function refusalOf(path: string, value: unknown): string {
  return problemsOf(configWith(withValue(minimalStack(), path, value)));
}

describe('the shipped configuration', () => {
  it('is valid and names the documented defaults', () => {
    const config = parseConfig(shippedConfig());

    expect(config.stacks).toHaveLength(1);
    const [stack] = config.stacks;
    expect(stack.name).toBe('key-insight-okta');
    expect(stack.okta.authorizationServer.audience).toBe('api://fortanix-key-insight');
    expect(stack.okta.scopes).toHaveLength(1);
    expect(stack.okta.accessPolicy.assignTo).toBe('this-app');
  });
});

describe('defaults', () => {
  it('fills every optional field of a minimal stack', () => {
    const [stack] = parseConfig(configWith(minimalStack())).stacks;

    expect(stack.okta.app.label).toBe('Fortanix Key Insight');
    expect(stack.okta.accessPolicy.assignTo).toBe('this-app');
    expect(stack.okta.rule.accessTokenLifetimeMinutes).toBe(60);
    expect(stack.aws.role.maxSessionDurationSeconds).toBe(3600);
    expect(stack.aws.role.name).toBeUndefined();
    expect(stack.aws.role.permissionsBoundaryArn).toBeUndefined();
    expect(stack.aws.oidcProvider.thumbprints).toBeUndefined();
    expect(stack.aws.scanning.services).toEqual(['kms', 'acm', 's3', 'ebs', 'efs', 'eks', 'rds', 'dynamodb', 'redshift']);
    expect(stack.aws.scanning.managedPolicyArns).toEqual([]);
    expect(stack.backend).toEqual({ type: 'local' });
    expect(stack.tags).toEqual({});
  });
});

describe('limits', () => {
  it.each([5, 1440])('accepts an access-token lifetime of %i minutes', (minutes) => {
    const [stack] = parseConfig(configWith(withValue(minimalStack(), 'okta.rule.accessTokenLifetimeMinutes', minutes))).stacks;
    expect(stack.okta.rule.accessTokenLifetimeMinutes).toBe(minutes);
  });

  it.each([4, 1441, 60.5])('refuses an access-token lifetime of %s minutes', (minutes) => {
    expect(refusalOf('okta.rule.accessTokenLifetimeMinutes', minutes)).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        `  - stacks[0].okta.rule.accessTokenLifetimeMinutes is ${minutes}, but must be an integer from 5 to 1440 (minutes)`,
    );
  });

  it.each([3600, 43200])('accepts a role session of %i seconds', (seconds) => {
    const [stack] = parseConfig(configWith(withValue(minimalStack(), 'aws.role.maxSessionDurationSeconds', seconds))).stacks;
    expect(stack.aws.role.maxSessionDurationSeconds).toBe(seconds);
  });

  it.each([3599, 43201])('refuses a role session of %i seconds', (seconds) => {
    expect(refusalOf('aws.role.maxSessionDurationSeconds', seconds)).toContain(
      `stacks[0].aws.role.maxSessionDurationSeconds is ${seconds}, but must be an integer from 3600 to 43200 (seconds)`,
    );
  });

  it('refuses a number written as a string', () => {
    expect(refusalOf('aws.role.maxSessionDurationSeconds', '3600')).toContain(
      'stacks[0].aws.role.maxSessionDurationSeconds is "3600", but must be an integer from 3600 to 43200 (seconds)',
    );
  });
});

describe('refused values', () => {
  it('refuses an empty audience', () => {
    expect(refusalOf('okta.authorizationServer.audience', '')).toContain(
      'stacks[0].okta.authorizationServer.audience is "", but must be a URI with a scheme (for example api://fortanix-key-insight), 1 to 255 characters, no spaces, quotes, ${ or %{',
    );
  });

  it.each(['fortanix key insight', 'no-scheme', 'api://with space', `api://${'a'.repeat(250)}`])(
    'refuses the malformed audience %s',
    (audience) => {
      expect(refusalOf('okta.authorizationServer.audience', audience)).toContain(
        'stacks[0].okta.authorizationServer.audience is "',
      );
    },
  );

  it.each(['${file("/etc/passwd")}', 'before %{ if true }x%{ endif }'])(
    'refuses text that Terraform would evaluate: %s',
    (description) => {
      expect(refusalOf('okta.authorizationServer.description', description)).toContain(
        `stacks[0].okta.authorizationServer.description is ${JSON.stringify(description)}, but must be text of 1 to 1000 printable characters, without \${ or %{ (Terraform would evaluate them)`,
      );
    },
  );

  it('refuses an audience that Terraform would evaluate', () => {
    expect(refusalOf('okta.authorizationServer.audience', 'api://${var.x}')).toContain(
      'stacks[0].okta.authorizationServer.audience is "api://${var.x}", but must be a URI with a scheme',
    );
  });

  it('accepts a lone $ or % in text', () => {
    const [stack] = parseConfig(configWith(withValue(minimalStack(), 'okta.app.label', 'Key Insight $ 100% read-only'))).stacks;
    expect(stack.okta.app.label).toBe('Key Insight $ 100% read-only');
  });

  it('refuses a missing audience and says it is missing', () => {
    expect(refusalOf('okta.authorizationServer.audience', undefined)).toContain(
      'stacks[0].okta.authorizationServer.audience is missing, but must be a URI with a scheme',
    );
  });

  it('refuses a scope name with spaces', () => {
    const stack = withValue(minimalStack(), 'okta.scopes', [{ name: 'read keys' }]);
    expect(problemsOf(configWith(stack))).toContain(
      'stacks[0].okta.scopes[0].name is "read keys", but must be a scope name of 1 to 255 letters, digits and . _ : / - (no spaces), starting with a letter or digit',
    );
  });

  it('refuses a scope name Okta reserves', () => {
    const stack = withValue(minimalStack(), 'okta.scopes', [{ name: 'openid' }]);
    expect(problemsOf(configWith(stack))).toContain('stacks[0].okta.scopes[0].name is "openid", but must be a custom scope name');
  });

  it('refuses two scopes with one name', () => {
    const stack = withValue(minimalStack(), 'okta.scopes', [{ name: 'a.scan' }, { name: 'a.scan' }]);
    expect(problemsOf(configWith(stack))).toContain(
      'stacks[0].okta.scopes[1].name is "a.scan", but must be a name no other scope has',
    );
  });

  it('refuses an empty scope list', () => {
    expect(refusalOf('okta.scopes', [])).toContain('stacks[0].okta.scopes is [], but must be a list of 1 to 20 scopes');
  });

  it('refuses an unknown assignTo', () => {
    expect(refusalOf('okta.accessPolicy.assignTo', 'everyone')).toContain(
      'stacks[0].okta.accessPolicy.assignTo is "everyone", but must be one of "this-app", "all-clients"',
    );
  });

  it.each(['us-east', 'US-EAST-1', 'useast1', ''])('refuses the malformed region %j', (region) => {
    expect(refusalOf('aws.region', region)).toContain(
      `stacks[0].aws.region is ${JSON.stringify(region)}, but must be an AWS region name such as us-east-1`,
    );
  });

  it.each(['us-east-1', 'eu-central-2', 'us-gov-west-1', 'ap-southeast-5'])('accepts the region %s', (region) => {
    expect(parseConfig(configWith(withValue(minimalStack(), 'aws.region', region))).stacks[0].aws.region).toBe(region);
  });

  it.each(['1stack', 'my stack', 'stack.prod', '', 'a'.repeat(51)])('refuses the stack name %j', (name) => {
    expect(refusalOf('name', name)).toContain(
      'but must be a stack name of 1 to 50 letters, digits, _ and -, starting with a letter',
    );
  });

  it('refuses two stacks whose names differ only in case', () => {
    const input = configWith(minimalStack({ name: 'Prod' }), minimalStack({ name: 'prod' }));
    expect(problemsOf(input)).toContain(
      'stacks[1].name is "prod", but must be a name no other stack has (names are compared ignoring case)',
    );
  });

  it('refuses a permissions boundary that is not a policy ARN', () => {
    expect(refusalOf('aws.role.permissionsBoundaryArn', 'arn:aws:iam::123456789012:role/x')).toContain(
      'stacks[0].aws.role.permissionsBoundaryArn is "arn:aws:iam::123456789012:role/x", but must be an IAM managed policy ARN',
    );
  });

  it('refuses a scanned service it does not know', () => {
    expect(refusalOf('aws.scanning.services', ['kms', 'lambda'])).toContain(
      'stacks[0].aws.scanning.services[1] is "lambda", but must be one of kms, acm, s3, ebs, efs, eks, rds, dynamodb, redshift',
    );
  });

  it('refuses a tag key AWS reserves', () => {
    expect(refusalOf('tags', { 'aws:owner': 'x' })).toContain(
      'stacks[0].tags has the key "aws:owner", but keys must be a tag key of 1 to 128 letters, digits, spaces and _ . : / = + - @, not starting with aws:',
    );
  });

  it('shortens a huge value in the message', () => {
    const message = refusalOf('okta.app.label', 'x'.repeat(10_000));
    expect(message).toContain('stacks[0].okta.app.label is "xxxxxxxx');
    expect(message).toContain('... (10002 characters), but must be text of 1 to 100 printable characters');
    expect(message.length).toBeLessThan(400);
  });

  it('lists every problem, not only the first', () => {
    const stack = withValue(withValue(minimalStack(), 'aws.region', 'nowhere'), 'okta.rule', { accessTokenLifetimeMinutes: 0 });
    expect(problemsOf(configWith(stack))).toMatch(/^Invalid configuration in test.json \(2 problems\):/);
  });
});

describe('unknown keys', () => {
  it('refuses a misspelt key and lists the allowed ones', () => {
    expect(refusalOf('okta.rule', { accesTokenLifetimeMinutes: 30 })).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[0].okta.rule has an unknown key "accesTokenLifetimeMinutes"; allowed keys: name, accessTokenLifetimeMinutes',
    );
  });

  it('refuses an unknown key at the top level', () => {
    expect(problemsOf({ ...configWith(minimalStack()), stack: [] })).toContain(
      'the configuration has an unknown key "stack"; allowed keys: $schema, stacks',
    );
  });

  it('refuses an unknown key in a backend, listing that backend\'s keys', () => {
    const stack = minimalStack({ backend: { type: 's3', bucket: 'b-state', keyPrefix: 'ki', region: 'us-east-1', lock: true } });
    expect(problemsOf(configWith(stack))).toContain(
      'stacks[0].backend has an unknown key "lock"; allowed keys: type, bucket, keyPrefix, region, kmsKeyId, dynamodbTable',
    );
  });

  it('refuses a __proto__ key in a map, which would otherwise vanish', () => {
    const input = JSON.parse('{"stacks":[{"name":"ki","okta":{"authorizationServer":{"audience":"api://x"},"scopes":[{"name":"s"}]},"aws":{"region":"us-east-1"},"tags":{"team":"a","__proto__":"b"}}]}');
    expect(problemsOf(input)).toContain('stacks[0].tags has a "__proto__" key, which is never allowed');
  });

  it('refuses a __proto__ key instead of letting it change the object', () => {
    const input = JSON.parse('{"stacks":[{"name":"ki","okta":{"__proto__":{"polluted":true},"authorizationServer":{"audience":"api://x"},"scopes":[{"name":"s"}]},"aws":{"region":"us-east-1"}}]}');
    expect(problemsOf(input)).toBe(
      'Invalid configuration in test.json (1 problem):\n  - stacks[0].okta has a "__proto__" key, which is never allowed',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('the configuration file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ki-config-'));

  it('is key-insight.config.json in the working directory unless KEY_INSIGHT_CONFIG names another', () => {
    expect(configPath({}, '/project')).toBe('/project/key-insight.config.json');
    expect(configPath({ KEY_INSIGHT_CONFIG: 'envs/prod.json' }, '/project')).toBe('/project/envs/prod.json');
    expect(configPath({ KEY_INSIGHT_CONFIG: '/etc/ki.json' }, '/project')).toBe('/etc/ki.json');
  });

  it('names a missing file', () => {
    const missing = join(dir, 'nope.json');
    expect(() => loadConfig(missing)).toThrow(
      new ConfigError(`Configuration file not found: ${missing}. Create it, or set KEY_INSIGHT_CONFIG to the path of another file.`),
    );
  });

  it('names a file that is not JSON and what breaks it', () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "stacks": [ }');
    expect(() => loadConfig(broken)).toThrow(`${broken} is not valid JSON: `);
    expect(() => loadConfig(broken)).toThrow("Unexpected token '}'");
  });

  it('names the file in validation errors', () => {
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ stacks: [] }));
    expect(() => loadConfig(invalid)).toThrow(
      `Invalid configuration in ${invalid} (1 problem):\n  - stacks is [], but must be a list of 1 to 50 stacks`,
    );
  });
});
