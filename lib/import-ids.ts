/**
 * Vendor facts for adopting resources made by hand: the shape of each ID, and the ID each provider's
 * importer expects (a Terraform `import` block's `id`). Sources, one line each:
 * - okta/okta v6.12.0, okta/services/idaas/app.go `appImporter`: `<app_id>` (optionally `/skip_users...`).
 * - okta/okta v6.12.0, resource_okta_auth_server.go: `schema.ImportStatePassthroughContext`, `<id>`.
 * - okta/okta v6.12.0, resource_okta_auth_server_scope.go and _policy.go: `utils.CreateNestedResourceImporter(
 *   ["auth_server_id", "id"])`, i.e. `<auth_server_id>/<id>` (okta/utils/utils.go splits the ID on "/").
 * - okta/okta v6.12.0, resource_okta_auth_server_policy_rule.go: `["auth_server_id", "policy_id", "id"]`.
 * - hashicorp/aws docs (website/docs/r/): iam_openid_connect_provider "imported using the arn";
 *   iam_role "using the name"; iam_policy "using the policy arn"; iam_role_policy_attachment
 *   "using the role name and policy ARN separated by /".
 * - Okta object IDs are 20 letters and digits, the first three naming the kind: apps 0oa..., authorization
 *   servers aus..., scopes scp..., policies 00p..., rules 0pr... (every such "id" in the Okta API answers
 *   recorded in okta/okta v6.12.0's test cassettes, several thousand, is 20 characters long).
 */

/** An Okta object ID: its three-character kind prefix, then 17 letters and digits. */
function oktaId(prefix: string): RegExp {
  return new RegExp(`^${prefix}[A-Za-z0-9]{17}$`);
}

export const OKTA_ID_PATTERNS = {
  app: oktaId('0oa'),
  authorizationServer: oktaId('aus'),
  scope: oktaId('scp'),
  accessPolicy: oktaId('00p'),
  rule: oktaId('0pr'),
} as const;

/** Import IDs, in each provider's format (sources above). */
export const IMPORT_IDS = {
  oktaApp: (appId: string) => appId,
  oktaAuthorizationServer: (authorizationServerId: string) => authorizationServerId,
  oktaScope: (authorizationServerId: string, scopeId: string) => `${authorizationServerId}/${scopeId}`,
  oktaAccessPolicy: (authorizationServerId: string, policyId: string) => `${authorizationServerId}/${policyId}`,
  oktaRule: (authorizationServerId: string, policyId: string, ruleId: string) => `${authorizationServerId}/${policyId}/${ruleId}`,
  awsOidcProvider: (arn: string) => arn,
  awsRole: (roleName: string) => roleName,
  awsPolicy: (arn: string) => arn,
  awsRolePolicyAttachment: (roleName: string, policyArn: string) => `${roleName}/${policyArn}`,
} as const;
