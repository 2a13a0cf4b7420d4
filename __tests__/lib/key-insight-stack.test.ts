import { configWith, minimalStack, oneEnvironment } from '../helpers/config';
import { synthConfig } from '../helpers/synth';

const OUTPUTS = [
  'client_id',
  'metadata_uri',
  'issuer',
  'token_endpoint',
  'audience',
  'scopes',
  'aws_role_arn',
  'aws_oidc_provider_arn',
];

describe('a stack without an accounts list', () => {
  const stacks = synthConfig(oneEnvironment());
  const stack = stacks['acme-key-insight'];
  const secret = stacks['acme-key-insight-secret'];

  it('is the stack named by the configuration, and its client secret\'s stack', () => {
    expect(Object.keys(stacks)).toEqual(['acme-key-insight', 'acme-key-insight-secret']);
  });

  it('declares every public output Key Insight needs, each with a description', () => {
    expect(Object.keys(stack.output!).sort()).toEqual([...OUTPUTS].sort());
    for (const output of Object.values(stack.output!)) {
      expect(output.description).toMatch(/\w{3,}/);
    }
  });

  it('marks no output of the environment stack sensitive, and the secret stack\'s client secret sensitive', () => {
    expect(Object.values(stack.output!).filter((output) => output.sensitive === true)).toEqual([]);
    expect(secret.output!.client_secret).toEqual({
      value: '${data.okta_app_oauth.AppSecret.client_secret}',
      description: "The Okta app's client secret: Key Insight's Client Secret.",
      sensitive: true,
    });
  });

  it('derives the metadata URI and token endpoint from the issuer', () => {
    const issuer = stack.output!.issuer.value;
    expect(issuer).toMatch(/^\$\{okta_auth_server\.\w+\.issuer\}$/);
    expect(stack.output!.metadata_uri.value).toBe(`${issuer}/.well-known/oauth-authorization-server`);
    expect(stack.output!.token_endpoint.value).toBe(`${issuer}/v1/token`);
    expect(stack.output!.audience.value).toBe('api://acme-key-insight');
    expect(stack.output!.scopes.value).toEqual([expect.stringMatching(/^\$\{okta_auth_server_scope\.\w+\.name\}$/)]);
  });

  it("reads the client secret in the secret stack with the okta_app_oauth data source, looked up by the client ID the environment stack publishes", () => {
    expect(stack.data).toBeUndefined();
    expect(secret.data!.okta_app_oauth.AppSecret.id).toBe('${data.terraform_remote_state.environment.outputs.client_id}');
    expect(secret.data!.terraform_remote_state.environment.config).toEqual({ path: '../../../terraform.acme-key-insight.tfstate' });
  });

  it('looks the data source up by ID alone, an argument okta/okta 6.12 accepts', () => {
    const { '//': _metadata, ...lookup } = secret.data!.okta_app_oauth.AppSecret;
    expect(Object.keys(lookup)).toEqual(['id']);
  });

  it('hands the app client ID and the AWS ARNs to the outputs', () => {
    expect(stack.output!.client_id.value).toMatch(/^\$\{okta_app_oauth\.\w+\.client_id\}$/);
    expect(stack.output!.aws_role_arn.value).toMatch(/^\$\{aws_iam_role\.\w+\.arn\}$/);
    expect(stack.output!.aws_oidc_provider_arn.value).toMatch(/^\$\{aws_iam_openid_connect_provider\.\w+\.arn\}$/);
  });

  it('configures the AWS provider with the region only, and the Okta provider with nothing', () => {
    expect(stack.provider).toEqual({ aws: [{ region: 'eu-central-1' }], okta: [{}] });
  });

  it("keeps the app's resource ID that the README's secret rotation names", () => {
    expect(Object.keys(stack.resource!.okta_app_oauth)).toEqual(['Okta_App_5B285C31']);
  });

  it('keeps local state at the project root through a path relative to the stack folder', () => {
    expect(stack.terraform.backend).toEqual({ local: { path: '../../../terraform.acme-key-insight.tfstate' } });
  });
});

describe('several environments', () => {
  it('become one stack each, plus a secret stack each, each with its own state', () => {
    const stacks = synthConfig(configWith(minimalStack({ name: 'ki-preview' }), minimalStack({ name: 'ki-prod' })));
    expect(Object.keys(stacks)).toEqual(['ki-preview', 'ki-preview-secret', 'ki-prod', 'ki-prod-secret']);
    expect(stacks['ki-prod'].terraform.backend.local.path).toBe('../../../terraform.ki-prod.tfstate');
  });
});
