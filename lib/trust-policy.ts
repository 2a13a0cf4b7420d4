/**
 * The two policy documents of the role Key Insight assumes, built in one place for every place that
 * writes them: the Terraform construct (`AwsOidcTrust`) and the member-account CloudFormation template
 * of an organization environment. A change here reaches both.
 */
import { ASSUME_ROLE_ACTION } from './aws-facts';
import { ScannedService, scanningActions } from './scanning-policy';

/** An IAM policy document, kept as data so that tests and the review can read it before it is rendered. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource?: string;
  readonly Principal?: { readonly Federated: string };
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface TrustPolicyProps {
  /** The issuer without `https://`: IAM names the provider's condition keys with it. */
  readonly issuerHostPath: string;
  /** The tokens' `aud`. */
  readonly audience: string;
  /** The Okta app's client ID, the tokens' `sub`. */
  readonly clientId: string;
  /** The ARN of the IAM OIDC identity provider (or an expression that resolves to it). */
  readonly oidcProviderArn: string;
}

/** Only Key Insight's token from the provider, for the audience and the app, may assume the role. */
export function trustPolicyDocument(props: TrustPolicyProps): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'KeyInsightAssumesWithOktaToken',
        Effect: 'Allow',
        Principal: { Federated: props.oidcProviderArn },
        Action: ASSUME_ROLE_ACTION,
        Condition: {
          StringEquals: {
            [`${props.issuerHostPath}:aud`]: props.audience,
            [`${props.issuerHostPath}:sub`]: props.clientId,
          },
        },
      },
    ],
  };
}

/**
 * What an organization-scope scanner reads in the management account to find the member accounts
 * (Organizations: DescribeOrganization and ListAccounts, both read-only). Given to the management
 * account's role only, and only in organization environments.
 */
export const ORGANIZATION_READ_ACTIONS = ['organizations:DescribeOrganization', 'organizations:ListAccounts'] as const;

/** The read-only scanning policy: Key Insight's base permission, the chosen services, and any extra read actions. */
export function scanningPolicyDocument(
  services: readonly ScannedService[],
  extraReadActions: readonly string[] = [],
): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'FortanixFkiScannerPermissions',
        Effect: 'Allow',
        Action: [...new Set([...scanningActions(services), ...extraReadActions])],
        Resource: '*',
      },
    ],
  };
}

/**
 * A managed policy that exists in every account the role is made in. IAM attaches only a policy of
 * the role's own account or an AWS managed one, so a customer managed policy meant for many accounts
 * is named, and each account's ARN is built where the role is made.
 */
export type ManagedPolicy =
  /** An AWS managed policy (`arn:<partition>:iam::aws:policy/...`), or a customer managed policy of the one account the role is made in. */
  | { readonly arn: string }
  /** A customer managed policy of this name (`<path>/<name>` when it has a path) in each account. */
  | { readonly name: string };

/**
 * The ARN of a managed policy in one account. `partition` and `accountId` may be expressions that
 * resolve to them: `${AWS::Partition}` and `${AWS::AccountId}` in a CloudFormation Fn::Sub, tokens in Terraform.
 */
export function managedPolicyArn(policy: ManagedPolicy, partition: string, accountId: string): string {
  return 'arn' in policy ? policy.arn : `arn:${partition}:iam::${accountId}:policy/${policy.name}`;
}

/** The role Key Insight assumes and its policies, as configured: the same wherever the role is made. */
export interface ScannerRoleProps {
  readonly roleName: string;
  /** 3600 to 43200. */
  readonly maxSessionDurationSeconds: number;
  /** @default - no permissions boundary */
  readonly permissionsBoundary?: ManagedPolicy;
  /** @default - none: AWS validates the certificates of well-known CAs itself */
  readonly thumbprints?: readonly string[];
  /** Services the scanning policy covers. */
  readonly scannedServices: readonly ScannedService[];
  /** @default - no managed policies besides the scanning policy */
  readonly managedPolicies?: readonly ManagedPolicy[];
}
