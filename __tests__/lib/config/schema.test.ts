import { parseConfig } from '../../../lib/config';
import { configWith, minimalStack, problemsOf, refusalOf, withValue } from '../../helpers/config';

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

  it.each(['1stack', 'my stack', 'stack.prod', '', 'a'.repeat(51)])('refuses the stack name %j', (name) => {
    expect(refusalOf('name', name)).toContain(
      'but must be a stack name of 1 to 50 ASCII letters, digits, _ and -, starting with a letter',
    );
  });

  it.each(['toString', 'constructor', 'valueOf'])('refuses the stack name %j, which every JavaScript object already has', (name) => {
    expect(refusalOf('name', name)).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        `  - stacks[0].name is "${name}", but must be a stack name that is not one of constructor, hasOwnProperty, isPrototypeOf, propertyIsEnumerable, toLocaleString, toString, valueOf (names every JavaScript object has)`,
    );
  });

  it('accepts a stack name that only starts like a name every object has', () => {
    expect(parseConfig(configWith(minimalStack({ name: 'toStringProd' }))).stacks[0].name).toBe('toStringProd');
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
    expect(message).toContain('... (10000 characters), but must be text of 1 to 100 printable characters');
    expect(message.length).toBeLessThan(400);
  });

  it('counts a shortened object in characters of its JSON', () => {
    // {"a":"x...x"}: 6 characters, 100 x, 2 characters
    expect(refusalOf('okta.app.label', { a: 'x'.repeat(100) })).toContain('xxx... (108 characters of JSON), but must be');
  });

  it('counts the characters of a shortened value, not the quotes or the escapes it is shown with', () => {
    // 120 Cyrillic letters "а" (U+0430), each shown as the six characters \u0430
    expect(refusalOf('okta.app.label', '\u0430'.repeat(120))).toContain(
      `stacks[0].okta.app.label is "${'\\u0430'.repeat(13)}\\... (120 characters), but must be text of 1 to 100 printable characters`,
    );
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

describe('regions', () => {
  const allowed = "but must be an AWS region such as us-east-1 or eu-west-1 (one the AWS SDK's partition data lists)";

  it.each(['us-east-1', 'eu-central-2', 'us-gov-west-1', 'cn-north-1', 'eusc-de-east-1', 'ap-southeast-5'])(
    'accepts the region %s, which AWS lists',
    (region) => {
      expect(parseConfig(configWith(withValue(minimalStack(), 'aws.region', region))).stacks[0].aws.region).toBe(region);
    },
  );

  it.each(['us-east-7', 'eu-west-9', 'us-east', 'US-EAST-1', 'useast1', ''])(
    'refuses %j in aws.region, a name AWS does not list',
    (region) => {
      expect(refusalOf('aws.region', region)).toBe(
        `Invalid configuration in test.json (1 problem):\n  - stacks[0].aws.region is ${JSON.stringify(region)}, ${allowed}`,
      );
    },
  );

  it("refuses aws-global, the partition's global endpoint that the data lists beside the regions", () => {
    expect(refusalOf('aws.region', 'aws-global')).toContain(`stacks[0].aws.region is "aws-global", ${allowed}`);
  });

  it('refuses an unknown region of an account', () => {
    const aws = { region: 'eu-west-1', accounts: [{ accountId: '111111111111', region: 'eu-west-4' }] };
    expect(refusalOf('aws', aws)).toBe(
      `Invalid configuration in test.json (1 problem):\n  - stacks[0].aws.accounts[0].region is "eu-west-4", ${allowed}`,
    );
  });

  it("refuses an unknown region of the S3 backend's bucket", () => {
    const backend = { type: 's3', bucket: 'acme-state', keyPrefix: 'ki', region: 'eu-east-1' };
    expect(refusalOf('backend', backend)).toBe(
      `Invalid configuration in test.json (1 problem):\n  - stacks[0].backend.region is "eu-east-1", ${allowed}`,
    );
  });
});

describe('assumeRoleArn', () => {
  it('refuses a role in another account than the one it deploys to', () => {
    const aws = {
      region: 'eu-west-1',
      accounts: [{ accountId: '222222222222', assumeRoleArn: 'arn:aws:iam::999999999999:role/deploy' }],
    };
    expect(refusalOf('aws', aws)).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[0].aws.accounts[0].assumeRoleArn is "arn:aws:iam::999999999999:role/deploy", but must be a role in account 222222222222, the accountId it deploys to',
    );
  });

  it('accepts a role in the account it deploys to', () => {
    const aws = {
      region: 'eu-west-1',
      accounts: [{ accountId: '222222222222', assumeRoleArn: 'arn:aws:iam::222222222222:role/deploy' }],
    };
    expect(parseConfig(configWith(withValue(minimalStack(), 'aws', aws))).stacks[0].aws.accounts).toEqual(aws.accounts);
  });
});

describe('one IAM role name in one account', () => {
  const inAccounts = (name: string, accountIds: string[], role?: string) =>
    minimalStack({
      name,
      aws: { region: 'eu-west-1', accounts: accountIds.map((accountId) => ({ accountId })), ...(role ? { role: { name: role } } : {}) },
    });

  it('refuses a second environment that names the role another creates in the same account', () => {
    const input = configWith(inAccounts('ki-a', ['111111111111', '333333333333'], 'key-insight'), inAccounts('ki-b', ['333333333333'], 'key-insight'));
    expect(problemsOf(input)).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[1].aws.accounts[0].accountId is "333333333333", where stacks[0].aws.accounts[1] already creates the IAM role "key-insight" that stacks[1] would create too; ' +
        'role names are unique in an account, ignoring case: set stacks[1].aws.role.name to a name no other environment uses there',
    );
  });

  it('refuses a default role name ("<stack name>-scanner") that another environment names, ignoring case', () => {
    const input = configWith(inAccounts('ki-a', ['111111111111'], 'KI-B-Scanner'), inAccounts('ki-b', ['111111111111']));
    expect(problemsOf(input)).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[1].aws.accounts[0].accountId is "111111111111", where stacks[0].aws.accounts[0] already creates the IAM role "ki-b-scanner" that stacks[1] would create too (its default name, "<stack name>-scanner"); ' +
        'role names are unique in an account, ignoring case: set stacks[1].aws.role.name to a name no other environment uses there',
    );
  });

  it('accepts one role name in different accounts', () => {
    const input = configWith(inAccounts('ki-a', ['111111111111'], 'key-insight'), inAccounts('ki-b', ['222222222222'], 'key-insight'));
    expect(parseConfig(input).stacks).toHaveLength(2);
  });

  it('accepts different role names in one account', () => {
    const input = configWith(inAccounts('ki-a', ['111111111111']), inAccounts('ki-b', ['111111111111']));
    expect(parseConfig(input).stacks).toHaveLength(2);
  });

  it('reports an account listed twice in one environment once, as listed twice', () => {
    expect(problemsOf(configWith(inAccounts('ki-a', ['111111111111', '111111111111'])))).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[0].aws.accounts[1].accountId is "111111111111", but must be an account ID listed once only',
    );
  });

  it('does not compare environments without accounts, whose account the synth cannot know', () => {
    const input = configWith(minimalStack({ name: 'ki-a' }), withValue(minimalStack({ name: 'ki-b' }), 'aws.role.name', 'ki-a-scanner'));
    expect(parseConfig(input).stacks).toHaveLength(2);
  });
});

describe('characters a reader cannot see', () => {
  it.each([
    ['okta.app.label', 'Key\u202eInsight', '"Key\\u202eInsight", but must be free of invisible characters (it holds U+202E, a bidirectional formatting character)'],
    ['okta.authorizationServer.name', 'Key\u200bInsight', '"Key\\u200bInsight", but must be free of invisible characters (it holds U+200B, an invisible format character)'],
    ['okta.authorizationServer.description', 'Issues\u200ftokens', '"Issues\\u200ftokens", but must be free of invisible characters (it holds U+200F, a bidirectional formatting character)'],
    ['okta.accessPolicy.name', 'Policy\u202a', '"Policy\\u202a", but must be free of invisible characters (it holds U+202A, a bidirectional formatting character)'],
    ['okta.rule.name', 'Rule\u0007', '"Rule\\u0007", but must be free of invisible characters (it holds U+0007, a control character)'],
    ['okta.accessPolicy.description', 'a\nb', '"a\\nb", but must be free of invisible characters (it holds U+000A, a control character)'],
  ])('refuses %s holding an invisible character and names it', (path, value, message) => {
    expect(refusalOf(path, value)).toBe(`Invalid configuration in test.json (1 problem):\n  - stacks[0].${path} is ${message}`);
  });

  it('names the invisible character in a name as well as what a name may hold', () => {
    expect(refusalOf('name', 'ki\u200btest')).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[0].name is "ki\\u200btest", but must be a stack name of 1 to 50 ASCII letters, digits, _ and -, starting with a letter, and free of invisible characters (it holds U+200B, an invisible format character)',
    );
  });

  it('shows a look-alike letter in a name escaped, so the message does not show a valid name', () => {
    // The last letter is U+0430, CYRILLIC SMALL LETTER A.
    expect(refusalOf('name', 'ki-prod\u0430')).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[0].name is "ki-prod\\u0430", but must be a stack name of 1 to 50 ASCII letters, digits, _ and -, starting with a letter',
    );
  });

  it('accepts letters with accents in a label, where Okta shows them as written', () => {
    const [stack] = parseConfig(configWith(withValue(minimalStack(), 'okta.app.label', 'Clé Key Insight'))).stacks;
    expect(stack.okta.app.label).toBe('Clé Key Insight');
  });
});

describe('S3 key prefix', () => {
  const backend = (keyPrefix: string) => ({ type: 's3', bucket: 'acme-state', keyPrefix, region: 'eu-west-1' });
  const segments = 'but must be a relative path whose segments are neither empty (//) nor . or ..';

  it.each(['key-insight', 'teams/platform/key-insight', 'ki.v2/state'])('accepts the relative key prefix %s', (keyPrefix) => {
    expect(parseConfig(configWith(withValue(minimalStack(), 'backend', backend(keyPrefix)))).stacks[0].backend).toEqual(backend(keyPrefix));
  });

  it.each(['../other-team', 'ki/../../other-team', 'ki/..', '..', './ki', 'ki/./state', 'ki//state'])('refuses %j, which leaves or hides the folder it seems to name', (keyPrefix) => {
    expect(refusalOf('backend', backend(keyPrefix))).toBe(
      `Invalid configuration in test.json (1 problem):\n  - stacks[0].backend.keyPrefix is ${JSON.stringify(keyPrefix)}, ${segments}`,
    );
  });

  it('refuses a leading slash with its own reason', () => {
    expect(refusalOf('backend', backend('/ki'))).toBe(
      'Invalid configuration in test.json (1 problem):\n  - stacks[0].backend.keyPrefix is "/ki", but must be an S3 key prefix that neither starts nor ends with /',
    );
  });
});

describe('scanned services', () => {
  it('refuses an empty list, which would make a role that scans nothing', () => {
    expect(refusalOf('aws.scanning.services', [])).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[0].aws.scanning.services is [], but must be a list of at least one scanned service, each one of kms, acm, s3, ebs, efs, eks, rds, dynamodb, redshift (with none, the role would scan nothing)',
    );
  });

  it('accepts one service', () => {
    expect(parseConfig(configWith(withValue(minimalStack(), 'aws.scanning.services', ['kms']))).stacks[0].aws.scanning.services).toEqual(['kms']);
  });
});

describe('audience characters', () => {
  const allowed = 'but must be a URI with a scheme (for example api://fortanix-key-insight), 1 to 255 characters, no spaces, quotes, ${ or %{';

  it('refuses a Cyrillic letter that looks like a Latin one and names it', () => {
    // The "е" is U+0435, CYRILLIC SMALL LETTER IE.
    expect(refusalOf('okta.authorizationServer.audience', 'api://key-insight-t\u0435st')).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        `  - stacks[0].okta.authorizationServer.audience is "api://key-insight-t\\u0435st", ${allowed}, and ASCII only, as RFC 3986 requires of a URI (it holds U+0435)`,
    );
  });

  it('names a character beyond the Basic Multilingual Plane by its code point', () => {
    expect(refusalOf('okta.authorizationServer.audience', 'api://\u{1d5ba}')).toContain('(it holds U+1D5BA)');
  });

  it('names an invisible character once, as invisible', () => {
    expect(refusalOf('okta.authorizationServer.audience', 'api://key\u200binsight')).toBe(
      'Invalid configuration in test.json (1 problem):\n' +
        `  - stacks[0].okta.authorizationServer.audience is "api://key\\u200binsight", ${allowed}, and free of invisible characters (it holds U+200B, an invisible format character)`,
    );
  });

  it("accepts every printable ASCII character a URI's path and query use", () => {
    const audience = "https://key-insight.example.com:8443/a_b~c/d?e=f&g=h#i!$'()*+,;@[]";
    expect(parseConfig(configWith(withValue(minimalStack(), 'okta.authorizationServer.audience', audience))).stacks[0].okta.authorizationServer.audience).toBe(audience);
  });
});
