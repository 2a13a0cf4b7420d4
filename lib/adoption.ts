import type { StackConfig } from './config';
import type { AwsOidcTrust } from './aws-oidc-trust';
import { IMPORT_IDS } from './import-ids';
import type { OktaClientCredentials } from './okta-client-credentials';

export type OktaAdoption = NonNullable<NonNullable<StackConfig['adopt']>['okta']>;
export type AwsAdoption = NonNullable<NonNullable<StackConfig['adopt']>['aws']>;

/**
 * Imports the Okta objects the configuration names (`stacks[].adopt.okta`) instead of creating them:
 * Terraform `import` blocks, through cdktf's importFrom, in the okta/okta provider's ID formats. The
 * configuration's checks ensure that every ID an import ID is built from is given.
 */
export function adoptOkta(okta: OktaClientCredentials, scopeNames: readonly string[], adopt: OktaAdoption | undefined): void {
  if (adopt === undefined) return;
  const { appId, authorizationServerId: serverId, scopeIds = {}, accessPolicyId, ruleId } = adopt;
  if (appId !== undefined) okta.app.importFrom(IMPORT_IDS.oktaApp(appId));
  if (serverId === undefined) return;
  okta.authorizationServer.importFrom(IMPORT_IDS.oktaAuthorizationServer(serverId));
  scopeNames.forEach((name, index) => {
    const scopeId = scopeIds[name];
    if (scopeId !== undefined) okta.scopes[index]?.importFrom(IMPORT_IDS.oktaScope(serverId, scopeId));
  });
  if (accessPolicyId === undefined) return;
  okta.accessPolicy.importFrom(IMPORT_IDS.oktaAccessPolicy(serverId, accessPolicyId));
  if (ruleId !== undefined) okta.rule.importFrom(IMPORT_IDS.oktaRule(serverId, accessPolicyId, ruleId));
}

/**
 * Imports the AWS resources the configuration names (`stacks[].adopt.aws`, `accounts[].adopt.aws`). With
 * both the role and the scanning policy, their attachment is imported too: a role made by hand with that
 * policy has it attached.
 */
export function adoptAws(aws: AwsOidcTrust, adopt: AwsAdoption | undefined): void {
  if (adopt === undefined) return;
  const { oidcProviderArn, roleName, scanningPolicyArn } = adopt;
  if (oidcProviderArn !== undefined) aws.oidcProvider.importFrom(IMPORT_IDS.awsOidcProvider(oidcProviderArn));
  if (roleName !== undefined) aws.role.importFrom(IMPORT_IDS.awsRole(roleName));
  if (scanningPolicyArn !== undefined) aws.scanningPolicy.importFrom(IMPORT_IDS.awsPolicy(scanningPolicyArn));
  if (roleName !== undefined && scanningPolicyArn !== undefined) {
    aws.scanningPolicyAttachment.importFrom(IMPORT_IDS.awsRolePolicyAttachment(roleName, scanningPolicyArn));
  }
}
