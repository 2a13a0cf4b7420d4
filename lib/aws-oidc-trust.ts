import { Construct } from 'constructs';
import { Fn, Token } from 'cdktf';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { IAM_ROLE_SESSION_SECONDS, isReadOnlyAction } from './scanning-policy';
import { scanningPolicyName } from './stack-names';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { ManagedPolicy, PolicyDocument, ScannerRoleProps, managedPolicyArn, scanningPolicyDocument, trustPolicyDocument } from './trust-policy';

export type { ManagedPolicy, PolicyDocument, PolicyStatement } from './trust-policy';

export interface AwsOidcTrustProps extends ScannerRoleProps {
  /** The authorization server's issuer (`https://...`); may be a token known after apply. */
  readonly issuerUrl: string;
  /** The tokens' `aud`: the provider's client ID list and the trust's `:aud` condition. */
  readonly audience: string;
  /** The Okta app's client ID: the tokens' `sub`, required by the trust's `:sub` condition. */
  readonly clientId: string;
  /** @default - no tags */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * The account the role is made in and its partition, which the ARNs of policies given by name are
   * built from.
   * @default - read at plan time from the credentials (`aws_caller_identity`, `aws_partition`), only when a policy is given by name
   */
  readonly account?: { readonly partition: string; readonly accountId: string };
  /**
   * Read-only actions the scanning policy allows besides the scanned services' (the management
   * account's role of an organization environment reads the organization's accounts).
   * @default - none
   */
  readonly extraReadActions?: readonly string[];
}

/** What the trust policy's conditions require: `<keyPrefix>:aud` = audience, `<keyPrefix>:sub` = client ID. */
export interface TrustConditions {
  /** The issuer without `https://`, as IAM names the provider in condition keys. */
  readonly keyPrefix: string;
  readonly audience: string;
  readonly clientId: string;
}

/**
 * The AWS half: an IAM OIDC identity provider for the Okta authorization server and the role Key
 * Insight assumes with its access token, allowed to read what Key Insight scans and nothing else.
 */
export class AwsOidcTrust extends Construct {
  public readonly oidcProvider: IamOpenidConnectProvider;
  public readonly role: IamRole;
  public readonly scanningPolicy: IamPolicy;
  public readonly scanningPolicyAttachment: IamRolePolicyAttachment;
  public readonly trustPolicy: PolicyDocument;
  /** The values the trust policy was written from, for the review to hold the written policy to. */
  public readonly trustConditions: TrustConditions;
  public readonly scanningPolicyDocument: PolicyDocument;
  // Each read of a resource attribute makes a new token: read each once.
  public readonly oidcProviderArn: string;
  public readonly roleArn: string;

  constructor(scope: Construct, id: string, props: AwsOidcTrustProps) {
    super(scope, id);
    validate(props);
    const tags = props.tags && Object.keys(props.tags).length > 0 ? { ...props.tags } : undefined;

    this.oidcProvider = new IamOpenidConnectProvider(this, 'OidcProvider', {
      url: props.issuerUrl,
      clientIdList: [props.audience],
      thumbprintList: props.thumbprints && props.thumbprints.length > 0 ? [...props.thumbprints] : undefined,
      tags,
    });

    this.oidcProviderArn = this.oidcProvider.arn;
    const issuerHostPath = stripScheme(props.issuerUrl);
    this.trustConditions = { keyPrefix: issuerHostPath, audience: props.audience, clientId: props.clientId };
    this.trustPolicy = trustPolicyDocument({
      issuerHostPath,
      audience: props.audience,
      clientId: props.clientId,
      oidcProviderArn: this.oidcProviderArn,
    });

    let account = props.account;
    const policyArn = (policy: ManagedPolicy): string => {
      if ('arn' in policy) return policy.arn;
      account ??= {
        partition: new DataAwsPartition(this, 'Partition').partition,
        accountId: new DataAwsCallerIdentity(this, 'Account').accountId,
      };
      return managedPolicyArn(policy, account.partition, account.accountId);
    };

    this.role = new IamRole(this, 'Role', {
      name: props.roleName,
      description: 'Assumed by Fortanix Key Insight with an Okta client-credentials token to scan keys and certificates',
      assumeRolePolicy: JSON.stringify(this.trustPolicy),
      maxSessionDuration: props.maxSessionDurationSeconds,
      permissionsBoundary: props.permissionsBoundary && policyArn(props.permissionsBoundary),
      tags,
    });
    this.roleArn = this.role.arn;
    const roleName = this.role.name;

    this.scanningPolicyDocument = scanningPolicyDocument(props.scannedServices, props.extraReadActions);

    this.scanningPolicy = new IamPolicy(this, 'ScanningPolicy', {
      name: scanningPolicyName(props.roleName),
      description: 'Read-only access to what Fortanix Key Insight scans',
      policy: JSON.stringify(this.scanningPolicyDocument),
      tags,
    });

    this.scanningPolicyAttachment = new IamRolePolicyAttachment(this, 'ScanningPolicyAttachment', {
      role: roleName,
      policyArn: this.scanningPolicy.arn,
    });
    (props.managedPolicies ?? []).forEach((policy, index) => {
      new IamRolePolicyAttachment(this, `ManagedPolicyAttachment${index}`, { role: roleName, policyArn: policyArn(policy) });
    });
  }
}

/** IAM's condition keys name the provider by its URL without `https://`. */
export function stripScheme(url: string): string {
  return Token.isUnresolved(url) ? Fn.replace(url, 'https://', '') : url.replace(/^https:\/\//, '');
}

function validate(props: AwsOidcTrustProps): void {
  const { min, max } = IAM_ROLE_SESSION_SECONDS;
  const duration = props.maxSessionDurationSeconds;
  if (!Token.isUnresolved(duration) && (!Number.isInteger(duration) || duration < min || duration > max)) {
    throw new Error(`maxSessionDurationSeconds is set to ${duration}, but must be an integer from ${min} to ${max}`);
  }
  if (!Token.isUnresolved(props.issuerUrl) && !/^https:\/\/[^\s?#]+$/.test(props.issuerUrl)) {
    throw new Error(`issuerUrl is set to ${props.issuerUrl}, but must be an https:// URL without query or fragment`);
  }
  const actions = scanningPolicyDocument(props.scannedServices, props.extraReadActions).Statement.flatMap((statement) => statement.Action);
  const notReadOnly = actions.filter((action) => !isReadOnlyAction(action));
  if (notReadOnly.length > 0) {
    throw new Error(`the scanning policy would allow ${notReadOnly.join(', ')}, but only read-only actions are allowed`);
  }
}
