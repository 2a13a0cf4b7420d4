import { configWith, minimalStack, oneEnvironment } from '../helpers/config';
import { synthConfig } from '../helpers/synth';

const OUTPUTS = [
  'client_id',
  'client_secret',
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

  it('is one stack, named by the configuration', () => {
    expect(Object.keys(stacks)).toEqual(['acme-key-insight']);
  });

  it('declares every output Key Insight needs, each with a description', () => {
    expect(Object.keys(stack.output!).sort()).toEqual([...OUTPUTS].sort());
    for (const output of Object.values(stack.output!)) {
      expect(output.description).toMatch(/\w{3,}/);
    }
  });

  it('marks only the client secret sensitive', () => {
    const sensitive = Object.entries(stack.output!).filter(([, output]) => output.sensitive === true);
    expect(sensitive.map(([name]) => name)).toEqual(['client_secret']);
  });

  it('derives the metadata URI and token endpoint from the issuer', () => {
    const issuer = stack.output!.issuer.value;
    expect(issuer).toMatch(/^\$\{okta_auth_server\.\w+\.issuer\}$/);
    expect(stack.output!.metadata_uri.value).toBe(`${issuer}/.well-known/oauth-authorization-server`);
    expect(stack.output!.token_endpoint.value).toBe(`${issuer}/v1/token`);
    expect(stack.output!.audience.value).toBe('api://acme-key-insight');
    expect(stack.output!.scopes.value).toEqual([expect.stringMatching(/^\$\{okta_auth_server_scope\.\w+\.name\}$/)]);
  });

  it('hands the app client ID and secret and the AWS ARNs to the outputs', () => {
    expect(stack.output!.client_id.value).toMatch(/^\$\{okta_app_oauth\.\w+\.client_id\}$/);
    expect(stack.output!.client_secret.value).toMatch(/^\$\{okta_app_oauth\.\w+\.client_secret\}$/);
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
  it('become one stack each, each with its own state', () => {
    const stacks = synthConfig(configWith(minimalStack({ name: 'ki-preview' }), minimalStack({ name: 'ki-prod' })));
    expect(Object.keys(stacks)).toEqual(['ki-preview', 'ki-prod']);
    expect(stacks['ki-prod'].terraform.backend.local.path).toBe('../../../terraform.ki-prod.tfstate');
  });
});
