/**
 * The CloudFormation template a StackSet deploys to every member account of an organization: the IAM
 * OIDC identity provider for the Okta authorization server, the role Key Insight assumes and its
 * read-only scanning policy, as `AwsOidcTrust` creates them in one account. The trust and scanning
 * documents come from the same builders (`trust-policy.ts`).
 *
 * The issuer, the audience and the client ID are StackSet parameters, not part of the body: the body
 * depends on the configuration alone, is the same on every synth, and holds no secret.
 */
import { ManagedPolicy, ScannerRoleProps, managedPolicyArn, scanningPolicyDocument, trustPolicyDocument } from './trust-policy';

/** The template's parameters, which the StackSet fills in. */
export const MEMBER_TEMPLATE_PARAMETERS = {
  issuerUrl: 'IssuerUrl',
  issuerHostPath: 'IssuerHostPath',
  audience: 'Audience',
  clientId: 'ClientId',
} as const;

/** The template's logical IDs. */
export const MEMBER_TEMPLATE_RESOURCES = {
  oidcProvider: 'OidcProvider',
  role: 'ScannerRole',
  scanningPolicy: 'ScanningPolicy',
} as const;

/** The role's settings, the same in every member account (its name too). */
export type MemberAccountTemplateProps = ScannerRoleProps;

/** `${Name}` in an Fn::Sub string: CloudFormation replaces it with the parameter's value or the resource's Ref. */
const sub = (name: string) => `\${${name}}`;

/**
 * A managed policy's ARN in the member account the template is deployed to: an AWS managed policy's
 * ARN as given, a named customer managed policy's built from the account's own partition and ID.
 */
function memberPolicyArn(policy: ManagedPolicy): unknown {
  return 'arn' in policy ? policy.arn : { 'Fn::Sub': managedPolicyArn(policy, sub('AWS::Partition'), sub('AWS::AccountId')) };
}

export function memberAccountTemplate(props: MemberAccountTemplateProps): Record<string, unknown> {
  const { issuerUrl, issuerHostPath, audience, clientId } = MEMBER_TEMPLATE_PARAMETERS;
  const { oidcProvider, role, scanningPolicy } = MEMBER_TEMPLATE_RESOURCES;
  // A condition key holds the issuer, and CloudFormation resolves no function in a key: the whole
  // trust document is one Fn::Sub string. The Ref of an AWS::IAM::OIDCProvider is its ARN.
  const trust = trustPolicyDocument({
    issuerHostPath: sub(issuerHostPath),
    audience: sub(audience),
    clientId: sub(clientId),
    oidcProviderArn: sub(oidcProvider),
  });
  const thumbprints = props.thumbprints && props.thumbprints.length > 0 ? [...props.thumbprints] : undefined;
  const managedPolicyArns = props.managedPolicies && props.managedPolicies.length > 0 ? props.managedPolicies.map(memberPolicyArn) : undefined;
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'Fortanix Key Insight: the OIDC identity provider for the Okta authorization server and the read-only role Key Insight assumes',
    Parameters: {
      [issuerUrl]: {
        Type: 'String',
        Description: "The authorization server's issuer (https://...)",
        AllowedPattern: '^https://[^\\s?#]+$',
      },
      [issuerHostPath]: { Type: 'String', Description: 'The issuer without https://, as IAM names its condition keys' },
      [audience]: { Type: 'String', Description: "The access tokens' audience (aud)" },
      [clientId]: { Type: 'String', Description: "The Okta app's client ID, the tokens' sub" },
    },
    Resources: {
      [oidcProvider]: {
        Type: 'AWS::IAM::OIDCProvider',
        Properties: {
          Url: { Ref: issuerUrl },
          ClientIdList: [{ Ref: audience }],
          ...(thumbprints ? { ThumbprintList: thumbprints } : {}),
        },
      },
      [role]: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: props.roleName,
          Description: 'Assumed by Fortanix Key Insight with an Okta client-credentials token to scan keys and certificates',
          AssumeRolePolicyDocument: { 'Fn::Sub': JSON.stringify(trust) },
          MaxSessionDuration: props.maxSessionDurationSeconds,
          ...(props.permissionsBoundary ? { PermissionsBoundary: memberPolicyArn(props.permissionsBoundary) } : {}),
          ...(managedPolicyArns ? { ManagedPolicyArns: managedPolicyArns } : {}),
        },
      },
      [scanningPolicy]: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: {
          ManagedPolicyName: `${props.roleName}-scanning`,
          Description: 'Read-only access to what Fortanix Key Insight scans',
          PolicyDocument: scanningPolicyDocument(props.scannedServices),
          Roles: [{ Ref: role }],
        },
      },
    },
    Outputs: {
      RoleArn: { Description: 'The role Key Insight assumes in this account', Value: { 'Fn::GetAtt': [role, 'Arn'] } },
    },
  };
}
