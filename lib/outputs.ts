/**
 * The names of the stacks' outputs: the contract between the stacks, the key-insight command and the
 * pipeline. Written here once; the stacks, the command and the tests import them.
 */
export const OUTPUT_NAMES = {
  clientId: 'client_id',
  clientSecret: 'client_secret',
  metadataUri: 'metadata_uri',
  issuer: 'issuer',
  tokenEndpoint: 'token_endpoint',
  audience: 'audience',
  scopes: 'scopes',
  awsRoleArn: 'aws_role_arn',
  awsOidcProviderArn: 'aws_oidc_provider_arn',
  awsStackSetName: 'aws_stack_set_name',
  awsMemberRoleName: 'aws_member_role_name',
  awsMemberRoleArnPattern: 'aws_member_role_arn_pattern',
  awsOrganizationalUnitIds: 'aws_organizational_unit_ids',
} as const;
