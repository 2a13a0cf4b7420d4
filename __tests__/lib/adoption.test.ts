import { ROTATED_CLIENT_SECRET_OUTPUT } from '../../lib/client-secret-mode';
import { minimalStack, withValue } from '../helpers/config';
import { synthConfig, type TerraformJson } from '../helpers/synth';

// Adoption: what `stacks[].adopt` and `accounts[].adopt` name becomes a Terraform `import` block in the
// synthesized JSON (cdktf's importFrom writes a top-level `import` list of { id, to }).

const APP_ID = '0oa1a2b3c4d5e6f7g8h9';
const SERVER_ID = 'aus1a2b3c4d5e6f7g8h9';
const SCOPE_ID = 'scp1a2b3c4d5e6f7g8h9';
const POLICY_ID = '00p1a2b3c4d5e6f7g8h9';
const RULE_ID = '0pr1a2b3c4d5e6f7g8h9';
const PROVIDER_ARN = `arn:aws:iam::123456789012:oidc-provider/acme.okta.com/oauth2/${SERVER_ID}`;
const POLICY_ARN = 'arn:aws:iam::123456789012:policy/ki-test-scanner-scanning';

const FULL_ADOPTION = {
  okta: { appId: APP_ID, authorizationServerId: SERVER_ID, scopeIds: { 'key-insight.scan': SCOPE_ID }, accessPolicyId: POLICY_ID, ruleId: RULE_ID },
  aws: { oidcProviderArn: PROVIDER_ARN, roleName: 'ki-test-scanner', scanningPolicyArn: POLICY_ARN },
};

/** The import blocks of a synthesized stack, as { resource type: id }. */
function importsOf(stack: TerraformJson): Record<string, string> {
  const blocks = ((stack as { import?: Array<{ id: string; to: string }> }).import ?? []);
  return Object.fromEntries(blocks.map((block) => [block.to.split('.')[0]!, block.id]));
}

function importTargetsExist(stack: TerraformJson): boolean {
  const blocks = ((stack as { import?: Array<{ to: string }> }).import ?? []);
  return blocks.every((block) => {
    const [type, name] = block.to.split('.');
    return stack.resource?.[type!]?.[name!] !== undefined;
  });
}

describe('adopting a setup made by hand', () => {
  it('imports every named Okta object and AWS resource with the providers\' import IDs', () => {
    // GIVEN a single-stack environment that names all nine resources
    const stack = synthConfig({ stacks: [minimalStack({ adopt: FULL_ADOPTION })] })['ki-test']!;

    // THEN each one gets an import block with its provider's ID format
    expect(importsOf(stack)).toEqual({
      okta_app_oauth: APP_ID,
      okta_auth_server: SERVER_ID,
      okta_auth_server_scope: `${SERVER_ID}/${SCOPE_ID}`,
      okta_auth_server_policy: `${SERVER_ID}/${POLICY_ID}`,
      okta_auth_server_policy_rule: `${SERVER_ID}/${POLICY_ID}/${RULE_ID}`,
      aws_iam_openid_connect_provider: PROVIDER_ARN,
      aws_iam_role: 'ki-test-scanner',
      aws_iam_policy: POLICY_ARN,
      aws_iam_role_policy_attachment: `ki-test-scanner/${POLICY_ARN}`,
    });
    expect(importTargetsExist(stack)).toBe(true);
  });

  it('writes no import block when nothing is adopted', () => {
    const stack = synthConfig({ stacks: [minimalStack()] })['ki-test']!;
    expect((stack as { import?: unknown }).import).toBeUndefined();
  });

  it('imports only what is named: the app alone', () => {
    const stack = synthConfig({ stacks: [minimalStack({ adopt: { okta: { appId: APP_ID } } })] })['ki-test']!;
    expect(importsOf(stack)).toEqual({ okta_app_oauth: APP_ID });
  });

  it('imports the scope whose name is given, not the others', () => {
    // GIVEN two scopes, only the second adopted
    const config = minimalStack({
      okta: {
        authorizationServer: { audience: 'api://key-insight-test' },
        scopes: [{ name: 'first.scope' }, { name: 'second.scope' }],
      },
      adopt: { okta: { authorizationServerId: SERVER_ID, scopeIds: { 'second.scope': SCOPE_ID } } },
    });
    const stack = synthConfig({ stacks: [config] })['ki-test']!;

    // THEN the import block targets the second scope's resource
    const blocks = (stack as { import: Array<{ id: string; to: string }> }).import;
    const scopeBlock = blocks.find((block) => block.to.startsWith('okta_auth_server_scope.'))!;
    expect(scopeBlock.id).toBe(`${SERVER_ID}/${SCOPE_ID}`);
    expect(stack.resource!.okta_auth_server_scope[scopeBlock.to.split('.')[1]!].name).toBe('second.scope');
  });

  it('leaves the attachment to be created when only the role is adopted', () => {
    const stack = synthConfig({ stacks: [minimalStack({ adopt: { aws: { roleName: 'ki-test-scanner' } } })] })['ki-test']!;
    expect(importsOf(stack)).toEqual({ aws_iam_role: 'ki-test-scanner' });
  });

  it("imports an account's resources in that account's stack only", () => {
    // GIVEN an environment with two accounts, the second adopting its resources
    const accountArn = (arn: string) => arn.replace('123456789012', '222222222222');
    const config = minimalStack({
      aws: {
        region: 'eu-west-1',
        accounts: [
          { accountId: '111111111111' },
          { accountId: '222222222222', adopt: { aws: { ...FULL_ADOPTION.aws, oidcProviderArn: accountArn(PROVIDER_ARN), scanningPolicyArn: accountArn(POLICY_ARN) } } },
        ],
      },
    });
    const stacks = synthConfig({ stacks: [config] });

    // THEN only that account's stack has import blocks, for its four resources
    expect(importsOf(stacks['ki-test-222222222222']!)).toEqual({
      aws_iam_openid_connect_provider: accountArn(PROVIDER_ARN),
      aws_iam_role: 'ki-test-scanner',
      aws_iam_policy: accountArn(POLICY_ARN),
      aws_iam_role_policy_attachment: `ki-test-scanner/${accountArn(POLICY_ARN)}`,
    });
    expect((stacks['ki-test-111111111111'] as { import?: unknown }).import).toBeUndefined();
    expect((stacks['ki-test'] as { import?: unknown }).import).toBeUndefined();
  });
});

describe('the client secret mode', () => {
  const appOf = (stack: TerraformJson) => Object.values(stack.resource!.okta_app_oauth)[0];

  it('"rotated" leaves out the data source and makes client_secret a plain sentence, in the secret stack', () => {
    const stacks = synthConfig({ stacks: [withValue(minimalStack(), 'okta.app.clientSecret', 'rotated')] });
    const stack = stacks['ki-test-secret']!;
    expect(stack.data).toBeUndefined();
    expect(stacks['ki-test'].output!.client_secret).toBeUndefined();
    expect(stack.output!.client_secret).toEqual({
      value: ROTATED_CLIENT_SECRET_OUTPUT,
      description: "Where to get the Okta app's client secret (Key Insight's Client Secret): no Terraform state holds it.",
    });
  });

  it('"terraform" (the default) reads the secret with the data source into a sensitive output, in the secret stack', () => {
    const stacks = synthConfig({ stacks: [minimalStack()] });
    const stack = stacks['ki-test-secret']!;
    expect(Object.keys(stack.data!.okta_app_oauth)).toHaveLength(1);
    expect(stack.output!.client_secret.sensitive).toBe(true);
    expect(stacks['ki-test'].data).toBeUndefined();
  });

  it('"rotated" with accounts keeps <env>-secret free of any data source', () => {
    const config = withValue(minimalStack({ aws: { region: 'eu-west-1', accounts: [{ accountId: '111111111111' }] } }), 'okta.app.clientSecret', 'rotated');
    const secretStack = synthConfig({ stacks: [config] })['ki-test-secret']!;
    expect(secretStack.data).toBeUndefined();
    expect(secretStack.output!.client_secret.value).toBe(ROTATED_CLIENT_SECRET_OUTPUT);
  });

  it.each([
    ['terraform', 'rotated'],
    ['rotated', 'terraform'],
  ])('switching from "%s" to "%s" leaves the app as it was, omit_secret = true included', (from, to) => {
    // GIVEN the same environment in both modes
    const before = appOf(synthConfig({ stacks: [withValue(minimalStack(), 'okta.app.clientSecret', from)] })['ki-test']!);
    const after = appOf(synthConfig({ stacks: [withValue(minimalStack(), 'okta.app.clientSecret', to)] })['ki-test']!);

    // THEN the app's configuration is identical, so Terraform neither updates nor replaces it
    expect(after.omit_secret).toBe(true);
    expect(after).toEqual(before);
  });
});
