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

/** The role Key Insight assumes and its policies, as configured: the same wherever the role is made. */
export interface ScannerRoleProps {
  readonly roleName: string;
  /** 3600 to 43200. */
  readonly maxSessionDurationSeconds: number;
  /** @default - no permissions boundary */
  readonly permissionsBoundaryArn?: string;
  /** @default - none: AWS validates the certificates of well-known CAs itself */
  readonly thumbprints?: readonly string[];
  /** Services the scanning policy covers. */
  readonly scannedServices: readonly ScannedService[];
  /** @default - no managed policies besides the scanning policy */
  readonly managedPolicyArns?: readonly string[];
}
