import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { OktaProvider } from '@cdktf/provider-okta/lib/provider';
import { AwsOidcTrust } from './aws-oidc-trust';
import { configureBackend } from './backend';
import type { StackConfig } from './config';
import { OKTA_PROVIDER_VERSION } from './okta-facts';
import { OktaClientCredentials } from './okta-client-credentials';
import { OrganizationStackSet } from './organization-stack-set';
import { OUTPUT_NAMES } from './outputs';
import { accountStackName, defaultRoleName } from './stack-names';
import { ORGANIZATION_READ_ACTIONS } from './trust-policy';

/**
 * One environment's Okta half: the client-credentials setup and the outputs Key Insight is given.
 * Without `aws.accounts` it also holds the AWS half, in the account its credentials belong to.
 */
export class KeyInsightStack extends TerraformStack {
  public readonly environment: StackConfig;
  public readonly okta: OktaClientCredentials;
  /** The AWS half, when this stack holds it (no `aws.accounts`). */
  public readonly aws?: AwsOidcTrust;
  /** The StackSet for the member accounts, when the environment onboards an organization. */
  public readonly organization?: OrganizationStackSet;

  constructor(scope: Construct, config: StackConfig) {
    super(scope, config.name);
    this.environment = config;
    configureBackend(this, config.name, config.backend);

    // Credentials come from OKTA_* variables at plan time, never from here.
    new OktaProvider(this, 'okta', {});
    this.addOverride('terraform.required_providers.okta.version', OKTA_PROVIDER_VERSION);
    this.okta = new OktaClientCredentials(this, 'Okta', oktaProps(config));

    const outputs: Record<string, { value: unknown; description: string; sensitive?: boolean }> = {
      [OUTPUT_NAMES.clientId]: { value: this.okta.clientId, description: "The Okta app's client ID: Key Insight's Client ID." },
      [OUTPUT_NAMES.clientSecret]: {
        value: this.okta.clientSecret,
        description: "The Okta app's client secret: Key Insight's Client Secret.",
        sensitive: true,
      },
      [OUTPUT_NAMES.metadataUri]: {
        value: this.okta.metadataUri,
        description: "The authorization server's metadata URI: Key Insight's Well-known URL.",
      },
      [OUTPUT_NAMES.issuer]: { value: this.okta.issuer, description: "The authorization server's issuer (the tokens' iss)." },
      [OUTPUT_NAMES.tokenEndpoint]: { value: this.okta.tokenEndpoint, description: 'Where clients request access tokens.' },
      [OUTPUT_NAMES.audience]: { value: this.okta.audience, description: "The access tokens' audience (aud)." },
      [OUTPUT_NAMES.scopes]: { value: this.okta.scopeNames, description: 'The scopes to request: Key Insight\'s Scopes.' },
    };

    if (!config.aws.accounts) {
      new AwsProvider(this, 'aws', { region: config.aws.region });
      this.aws = new AwsOidcTrust(this, 'Aws', awsProps(config, this.okta));
      Object.assign(outputs, awsOutputs(this.aws));
    }

    if (config.aws.organization) {
      this.organization = new OrganizationStackSet(this, 'Organization', organizationProps(config, this.okta));
      Object.assign(outputs, organizationOutputs(this.organization, config));
    }

    for (const [name, output] of Object.entries(outputs)) {
      new TerraformOutput(this, name, output);
    }
  }
}

export interface AwsAccountStackProps {
  readonly environment: StackConfig;
  readonly accountId: string;
  readonly region: string;
  readonly assumeRoleArn?: string;
  /** The environment's Okta half, whose issuer and client ID the trust names. */
  readonly okta: OktaClientCredentials;
}

/** One AWS account's OIDC provider, role and scanning policy, in a stack of its own. */
export class AwsAccountStack extends TerraformStack {
  public readonly environment: StackConfig;
  public readonly aws: AwsOidcTrust;

  constructor(scope: Construct, props: AwsAccountStackProps) {
    const name = accountStackName(props.environment.name, props.accountId);
    super(scope, name);
    this.environment = props.environment;
    configureBackend(this, name, props.environment.backend);
    new AwsProvider(this, 'aws', {
      region: props.region,
      // A deployment with credentials for another account stops instead of writing there.
      allowedAccountIds: [props.accountId],
      assumeRole: props.assumeRoleArn
        ? [{ roleArn: props.assumeRoleArn, sessionName: 'key-insight-deploy' }]
        : undefined,
    });
    this.aws = new AwsOidcTrust(this, 'Aws', awsProps(props.environment, props.okta));
    for (const [outputName, output] of Object.entries(awsOutputs(this.aws))) {
      new TerraformOutput(this, outputName, output);
    }
  }
}

function oktaProps(config: StackConfig) {
  const { okta } = config;
  const anyMarkedDefault = okta.scopes.some((scope) => scope.default !== undefined);
  return {
    appLabel: okta.app.label,
    authorizationServerName: okta.authorizationServer.name,
    authorizationServerDescription: okta.authorizationServer.description,
    audience: okta.authorizationServer.audience,
    scopes: okta.scopes.map((scope, index) => ({
      name: scope.name,
      description: scope.description,
      isDefault: anyMarkedDefault ? scope.default === true : index === 0,
    })),
    accessPolicyName: okta.accessPolicy.name,
    accessPolicyDescription: okta.accessPolicy.description,
    assignTo: okta.accessPolicy.assignTo,
    ruleName: okta.rule.name,
    accessTokenLifetimeMinutes: okta.rule.accessTokenLifetimeMinutes,
  };
}

function awsProps(config: StackConfig, okta: OktaClientCredentials) {
  const { aws } = config;
  return {
    issuerUrl: okta.issuer,
    audience: okta.audience,
    clientId: okta.clientId,
    roleName: aws.role.name ?? defaultRoleName(config.name),
    maxSessionDurationSeconds: aws.role.maxSessionDurationSeconds,
    permissionsBoundaryArn: aws.role.permissionsBoundaryArn,
    thumbprints: aws.oidcProvider.thumbprints,
    scannedServices: aws.scanning.services,
    managedPolicyArns: aws.scanning.managedPolicyArns,
    tags: config.tags,
    extraReadActions: aws.organization ? ORGANIZATION_READ_ACTIONS : undefined,
  };
}

function organizationProps(config: StackConfig, okta: OktaClientCredentials) {
  const { aws } = config;
  const organization = aws.organization!;
  return {
    environmentName: config.name,
    issuerUrl: okta.issuer,
    audience: okta.audience,
    clientId: okta.clientId,
    roleName: aws.role.name ?? defaultRoleName(config.name),
    maxSessionDurationSeconds: aws.role.maxSessionDurationSeconds,
    permissionsBoundaryArn: aws.role.permissionsBoundaryArn,
    thumbprints: aws.oidcProvider.thumbprints,
    scannedServices: aws.scanning.services,
    managedPolicyArns: aws.scanning.managedPolicyArns,
    organizationalUnitIds: organization.organizationalUnitIds,
    autoDeployment: organization.autoDeployment,
    callAs: organization.callAs,
    maxConcurrentPercentage: organization.maxConcurrentPercentage,
    failureTolerancePercentage: organization.failureTolerancePercentage,
    region: aws.region,
    tags: config.tags,
  };
}

function organizationOutputs(organization: OrganizationStackSet, config: StackConfig) {
  return {
    [OUTPUT_NAMES.awsStackSetName]: {
      value: organization.stackSetName,
      description: 'The CloudFormation StackSet that creates the scanning role in every member account.',
    },
    [OUTPUT_NAMES.awsMemberRoleName]: {
      value: organization.memberRoleName,
      description: "The scanning role's name in every member account: arn:aws:iam::<account id>:role/<name>.",
    },
    [OUTPUT_NAMES.awsOrganizationalUnitIds]: {
      value: [...config.aws.organization!.organizationalUnitIds],
      description: 'The organizational units (or root) whose accounts the StackSet deploys to.',
    },
  };
}

function awsOutputs(aws: AwsOidcTrust) {
  return {
    [OUTPUT_NAMES.awsRoleArn]: { value: aws.roleArn, description: 'The role Key Insight assumes: its AWS connection role ARN.' },
    [OUTPUT_NAMES.awsOidcProviderArn]: {
      value: aws.oidcProviderArn,
      description: "The IAM OIDC identity provider that trusts the authorization server's tokens.",
    },
  };
}
