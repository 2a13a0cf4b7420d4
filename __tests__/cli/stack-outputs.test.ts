import { includeSensitiveCommand } from '../../cli/outputs-command';
import { selectSetup } from '../../cli/stack-outputs';
import { UsageError } from '../../cli/usage-error';

const FILE = 'key-insight.outputs.json';
const ISSUER = 'https://dev-1.okta.com/oauth2/aus1';
const roleArn = (account: string) => `arn:aws:iam::${account}:role/FortanixKeyInsight`;

const environment = {
  client_id: '0oa1',
  client_secret: 'SENTINEL-secret',
  metadata_uri: `${ISSUER}/.well-known/oauth-authorization-server`,
  issuer: ISSUER,
  token_endpoint: `${ISSUER}/v1/token`,
  audience: 'api://ki',
  scopes: ['ki.read', 'ki.list'],
};

describe('selectSetup', () => {
  it('reads every output of the only environment stack, and the client secret from its <stack>-secret', () => {
    const { client_secret: _secret, ...published } = environment;
    const file = { dev: { ...published, aws_role_arn: roleArn('333333333333') }, 'dev-secret': { client_secret: 'SENTINEL-secret' } };

    expect(selectSetup(file, FILE)).toEqual({
      outputsFile: FILE,
      stackName: 'dev',
      clientId: '0oa1',
      clientSecret: 'SENTINEL-secret',
      clientSecretStack: 'dev-secret',
      metadataUri: environment.metadata_uri,
      issuer: ISSUER,
      tokenEndpoint: environment.token_endpoint,
      audience: 'api://ki',
      scopes: ['ki.read', 'ki.list'],
      awsRoles: [{ accountId: '333333333333', roleArn: roleArn('333333333333'), stackName: 'dev' }],
    });
  });

  it('names <stack>-secret as the place of the secret of an environment without accounts, when the file was written without it', () => {
    const { client_secret: _omitted, ...withoutSecret } = environment;

    const setup = selectSetup({ dev: { ...withoutSecret, aws_role_arn: roleArn('333333333333') } }, FILE);

    expect(setup).not.toHaveProperty('clientSecret');
    expect(setup.clientSecretStack).toBe('dev-secret');
  });

  it('reads the secret from the environment stack in a file written when that stack had the client_secret output', () => {
    const setup = selectSetup({ dev: environment }, FILE);

    expect([setup.clientSecret, setup.clientSecretStack]).toEqual(['SENTINEL-secret', 'dev']);
  });

  describe('an environment with accounts', () => {
    const { client_secret: _secret, ...published } = environment;

    it('reads the client secret from <stack>-secret', () => {
      const setup = selectSetup({ dev: published, 'dev-secret': { client_secret: 'SENTINEL-secret' } }, FILE);

      expect([setup.clientSecret, setup.clientSecretStack]).toEqual(['SENTINEL-secret', 'dev-secret']);
    });

    it('names <stack>-secret as the place of a secret the file was written without', () => {
      const setup = selectSetup({ dev: published, 'dev-111111111111': { aws_role_arn: roleArn('111111111111') } }, FILE);

      expect(setup).not.toHaveProperty('clientSecret');
      expect(setup.clientSecretStack).toBe('dev-secret');
    });

    it('refuses a secret in <stack>-secret that is not a string, naming that stack', () => {
      expect(() => selectSetup({ dev: published, 'dev-secret': { client_secret: 7 } }, FILE)).toThrow(
        'stack "dev-secret" output client_secret must be a non-empty string (value not shown)',
      );
    });

    it('does not take <stack>-secret for an account stack', () => {
      const file = { dev: published, 'dev-secret': { client_secret: 'SENTINEL-secret' }, 'dev-111111111111': { aws_role_arn: roleArn('111111111111') } };

      expect(selectSetup(file, FILE).awsRoles.map((role) => role.stackName)).toEqual(['dev-111111111111']);
    });

    it('leaves out a retired account, whose stack has no outputs', () => {
      const file = { dev: published, 'dev-111111111111': {}, 'dev-222222222222': { aws_role_arn: roleArn('222222222222') } };

      expect(selectSetup(file, FILE).awsRoles.map((role) => role.accountId)).toEqual(['222222222222']);
    });
  });

  it("lists the environment stack's own role first, labelled with the account of its ARN, then account stacks", () => {
    const file = {
      dev: { ...environment, aws_role_arn: roleArn('333333333333') },
      'dev-222222222222': { aws_role_arn: roleArn('222222222222') },
      'dev-111111111111': { aws_role_arn: roleArn('111111111111') },
    };

    expect(selectSetup(file, FILE).awsRoles).toEqual([
      { accountId: '333333333333', roleArn: roleArn('333333333333'), stackName: 'dev' },
      { accountId: '111111111111', roleArn: roleArn('111111111111'), stackName: 'dev-111111111111' },
      { accountId: '222222222222', roleArn: roleArn('222222222222'), stackName: 'dev-222222222222' },
    ]);
  });

  it("takes only stacks named <stack>-<12 digits> as the stack's account stacks", () => {
    const file = {
      'dev.eu': environment,
      'devXeu-111111111111': { aws_role_arn: roleArn('111111111111') },
      'dev.eu-1234': { aws_role_arn: roleArn('222222222222') },
      'dev.eu-3333333333333': { aws_role_arn: roleArn('333333333333') },
      'dev.eu-444444444444': { aws_role_arn: roleArn('444444444444') },
    };

    expect(selectSetup(file, FILE).awsRoles.map((role) => role.accountId)).toEqual(['444444444444']);
  });

  it('refuses an account stack without a role ARN', () => {
    expect(() => selectSetup({ dev: environment, 'dev-111111111111': { aws_oidc_provider_arn: 'x' } }, FILE)).toThrow(
      'account stack "dev-111111111111" has no aws_role_arn output',
    );
  });

  it('refuses a role ARN that is not an IAM role ARN', () => {
    expect(() => selectSetup({ dev: { ...environment, aws_role_arn: 'arn:aws:iam::1234:user/x' } }, FILE)).toThrow(
      'stack "dev" output aws_role_arn must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>), but is "arn:aws:iam::1234:user/x"',
    );
  });

  it('names every missing output', () => {
    const { issuer: _issuer, audience: _audience, ...incomplete } = environment;

    expect(() => selectSetup({ dev: incomplete }, FILE)).toThrow(
      'stack "dev" in key-insight.outputs.json has no issuer, audience outputs; the stack writes client_id, metadata_uri, issuer, token_endpoint, audience, scopes',
    );
  });

  it.each([
    [[], '[]'],
    ['ki.read', '"ki.read"'],
    [['ki read'], '["ki read"]'],
  ])('refuses scopes %j', (scopes, shown) => {
    expect(() => selectSetup({ dev: { ...environment, scopes } }, FILE)).toThrow(
      `stack "dev" output scopes must be a non-empty list of scope names without spaces, but is ${shown}`,
    );
  });

  it('refuses a client secret shorter than 8 characters without showing it', () => {
    expect(() => selectSetup({ dev: { ...environment, client_secret: 'SENTINE' } }, FILE)).toThrow(
      'stack "dev" output client_secret is 7 characters long (value not shown), but must be at least 8, as every credential this tool takes: write the outputs again with cdktf',
    );
  });

  it('refuses a client secret that is not a string without showing it', () => {
    expect(() => selectSetup({ dev: { ...environment, client_secret: { value: 'SENTINEL-secret' } } }, FILE)).toThrow(
      'stack "dev" output client_secret must be a non-empty string (value not shown)',
    );
  });

  it('refuses a file that is not an object of stacks', () => {
    expect(() => selectSetup([environment], FILE)).toThrow(
      'outputs file key-insight.outputs.json must hold a JSON object {"<stack>": {"<output>": value}}, but holds an array',
    );
  });

  it('refuses a file without an environment stack, listing the stacks it has', () => {
    expect(() => selectSetup({ 'dev-111111111111': { aws_role_arn: roleArn('111111111111') } }, FILE)).toThrow(
      'no stack in key-insight.outputs.json has a client_id output (stacks in the file: dev-111111111111)',
    );
  });

  it('refuses --stack naming a stack without the Okta app', () => {
    const file = { dev: environment, 'dev-111111111111': { aws_role_arn: roleArn('111111111111') } };

    expect(() => selectSetup(file, FILE, 'dev-111111111111')).toThrow(
      'stack "dev-111111111111" in key-insight.outputs.json has no client_id output, so it does not hold the Okta app; stacks that do: dev',
    );
  });

  it('raises usage errors (exit code 2)', () => {
    expect(() => selectSetup(null, FILE)).toThrow(UsageError);
  });
});

describe('includeSensitiveCommand', () => {
  it('names the environment stack alone when it holds the secret', () => {
    expect(includeSensitiveCommand({ stackName: 'dev', outputsFile: FILE, clientSecretStack: 'dev', awsRoles: [] })).toBe(
      'npx cdktf output dev --outputs-file key-insight.outputs.json --outputs-file-include-sensitive-outputs',
    );
  });

  it("names every stack of an environment with accounts, since cdktf rewrites the whole file", () => {
    const awsRoles = [{ accountId: '111111111111', roleArn: roleArn('111111111111'), stackName: 'dev-111111111111' }];
    expect(includeSensitiveCommand({ stackName: 'dev', outputsFile: FILE, clientSecretStack: 'dev-secret', awsRoles })).toBe(
      'npx cdktf output dev dev-secret dev-111111111111 --outputs-file key-insight.outputs.json --outputs-file-include-sensitive-outputs',
    );
  });
});
