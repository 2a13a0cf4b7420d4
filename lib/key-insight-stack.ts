import { Construct } from 'constructs';
import { TerraformBackend, TerraformOutput, TerraformRemoteState, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataOktaAppOauth } from '@cdktf/provider-okta/lib/data-okta-app-oauth';
import { OktaProvider } from '@cdktf/provider-okta/lib/provider';
import { adoptAws, adoptOkta, type AwsAdoption } from './adoption';
import { AwsOidcTrust, type ManagedPolicy } from './aws-oidc-trust';
import { partitionOfRegion } from './aws-regions';
import { configureBackend } from './backend';
import { ROTATED_CLIENT_SECRET_OUTPUT } from './client-secret-mode';
import type { StackConfig } from './config';
import { OktaClientCredentials } from './okta-client-credentials';
import { OrganizationStackSet } from './organization-stack-set';
import { OUTPUT_NAMES } from './outputs';
import { planOnlyEnvironmentOutputs, refuseEveryApply } from './plan-only';
import { pinProvider } from './provider-versions';
import { accountStackName, defaultRoleName, secretStackName } from './stack-names';
import { ORGANIZATION_READ_ACTIONS } from './trust-policy';

/**
/**
 * Whether the environment stack holds an OIDC provider, role and policy in the deploying account:
 * without accounts, unless an organization environment leaves its management account out.
 */
function holdsAwsHalf(environment: StackConfig): boolean {
  return !environment.aws.accounts && environment.aws.organization?.managementRole !== false;
}

/**
 * The sensitive `client_secret` output, read by the `okta_app_oauth` data source: the app's newest active
 * secret. The app itself keeps no secret in state (`omit_secret`), so the secret stack's state is the only
 * one that holds it.
 */
function addClientSecret(stack: TerraformStack, clientId: string): void {
  const app = new DataOktaAppOauth(stack, 'AppSecret', { id: clientId });
  new TerraformOutput(stack, OUTPUT_NAMES.clientSecret, {
    value: app.clientSecret,
    description: "The Okta app's client secret: Key Insight's Client Secret.",
    sensitive: true,
  });
}

/**
 * The `client_secret` output with `clientSecret: "rotated"`: no data source, so no state holds the secret;
 * the output, not sensitive, says where the secret comes from instead.
 */
function addRotatedClientSecretNote(stack: TerraformStack): void {
  new TerraformOutput(stack, OUTPUT_NAMES.clientSecret, {
    value: ROTATED_CLIENT_SECRET_OUTPUT,
    description: "Where to get the Okta app's client secret (Key Insight's Client Secret): no Terraform state holds it.",
  });
}

function addOktaProvider(stack: TerraformStack): void {
  // Credentials come from OKTA_* variables at plan time, never from here.
  new OktaProvider(stack, 'okta', {});
  pinProvider(stack, 'okta');
}

/**
 * One environment's Okta half: the client-credentials setup and the public outputs Key Insight is given.
 * Without `aws.accounts` it also holds the AWS half, in the account its credentials belong to. It holds
 * no client secret, in outputs or data sources: the other stacks of the environment read its state.
 * Retired (`stacks[].retired`), it keeps its backend and providers but no resources and no outputs, so
 * its next deploy destroys what earlier deploys created.
 */
export class KeyInsightStack extends TerraformStack {
  public readonly environment: StackConfig;
  /** The Okta half; none when the environment is retired. */
  public readonly okta?: OktaClientCredentials;
  /** The AWS half, when this stack holds it (no `aws.accounts`) and the environment is not retired. */
  public readonly aws?: AwsOidcTrust;
  /** The StackSet for the member accounts, when the environment onboards an organization. */
  public readonly organization?: OrganizationStackSet;
  /** Where this stack's state lives; the environment's other stacks read its outputs through it. */
  public readonly backend: TerraformBackend;
  /** Whether the environment is retired: the stack keeps its backend and providers, and nothing else. */
  public readonly retired: boolean;

  constructor(scope: Construct, config: StackConfig) {
    super(scope, config.name);
    this.environment = config;
    this.retired = config.retired === true;
    this.backend = configureBackend(this, config.name, config.backend);
    addOktaProvider(this);
    if (!config.aws.accounts) {
      new AwsProvider(this, 'aws', { region: config.aws.region });
      pinProvider(this, 'aws');
    }
    if (this.retired) return;
    this.okta = new OktaClientCredentials(this, 'Okta', oktaProps(config));
    adoptOkta(this.okta, config.okta.scopes.map((scope) => scope.name), config.adopt?.okta);

    const outputs: Record<string, { value: unknown; description: string }> = {
      [OUTPUT_NAMES.clientId]: { value: this.okta.clientId, description: "The Okta app's client ID: Key Insight's Client ID." },
      [OUTPUT_NAMES.metadataUri]: {
        value: this.okta.metadataUri,
        description: "The authorization server's metadata URI: Key Insight's Well-known URL.",
      },
      [OUTPUT_NAMES.issuer]: { value: this.okta.issuer, description: "The authorization server's issuer (the tokens' iss)." },
      [OUTPUT_NAMES.tokenEndpoint]: { value: this.okta.tokenEndpoint, description: 'Where clients request access tokens.' },
      [OUTPUT_NAMES.audience]: { value: this.okta.audience, description: "The access tokens' audience (aud)." },
      [OUTPUT_NAMES.scopes]: { value: this.okta.scopeNames, description: 'The scopes to request: Key Insight\'s Scopes.' },
    };

    if (holdsAwsHalf(config)) {
      this.aws = new AwsOidcTrust(
        this,
        'Aws',
        awsProps(config, { issuerUrl: this.okta.issuer, clientId: this.okta.clientId, audience: this.okta.audience }),
      );
      adoptAws(this.aws, config.adopt?.aws);
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

/**
 * The client secret of an environment (`<stack>-secret`): the `okta_app_oauth` data source and the
 * `client_secret` output, and nothing that another stack reads. Every environment has one, so the
 * secret is never in a state that another stack reads, nor in a state a plan that skips this stack
 * reads. It finds the app by the client ID the environment stack publishes, so it is deployed after it.
 * With `clientSecret: "rotated"` it holds only the output that says where the secret comes from.
 */
export class ClientSecretStack extends TerraformStack {
  public readonly environment: StackConfig;
  /** Whether the environment is retired: the stack keeps its backend and provider, and nothing else. */
  public readonly retired: boolean;

  constructor(scope: Construct, environmentStack: KeyInsightStack) {
    const { environment } = environmentStack;
    const name = secretStackName(environment.name);
    super(scope, name);
    this.environment = environment;
    this.retired = environmentStack.retired;
    configureBackend(this, name, environment.backend);
    this.addDependency(environmentStack);
    // Kept in "rotated" mode too: after a switch, this state still names the provider the data source used.
    addOktaProvider(this);
    if (this.retired) return;
    if (environment.okta.app.clientSecret === 'rotated') {
      addRotatedClientSecretNote(this);
      return;
    }
    const published = readEnvironmentOutputs(this, environmentStack);
    addClientSecret(this, published.getString(OUTPUT_NAMES.clientId));
  }
}

/** The environment stack's outputs, read from its state with the settings of its own backend. */
function readEnvironmentOutputs(stack: TerraformStack, environmentStack: KeyInsightStack): TerraformRemoteState {
  return environmentStack.backend.getRemoteStateDataSource(stack, 'environment', environmentStack.node.id) as TerraformRemoteState;
}

export interface AwsAccountStackProps {
  readonly environment: StackConfig;
  readonly accountId: string;
  readonly region: string;
  readonly assumeRoleArn?: string;
  /**
   * Whether the account is leaving: the stack keeps its backend and provider but no resources, so its
   * next deploy destroys what an earlier deploy created.
   * @default false
   */
  readonly retired?: boolean;
  /**
   * This account's AWS resources made by hand, to import (`accounts[].adopt.aws`).
   * @default - none: everything is created
   */
  readonly adopt?: AwsAdoption;
  /** The environment's stack, whose published issuer and client ID the trust names. */
  readonly environmentStack: KeyInsightStack;
  /**
   * Whether this is a plan-only synth (`KEY_INSIGHT_PLAN_ONLY=1`): the stack can plan with placeholder
   * values before its environment stack is deployed, and refuses every apply (lib/plan-only.ts).
   * @default false
   */
  readonly planOnly?: boolean;
}

/** One AWS account's OIDC provider, role and scanning policy, in a stack of its own. */
export class AwsAccountStack extends TerraformStack {
  public readonly environment: StackConfig;
  /** The AWS half; none when the account is retired. */
  public readonly aws?: AwsOidcTrust;
  /** Whether the account, or its whole environment, is retired. */
  public readonly retired: boolean;

  constructor(scope: Construct, props: AwsAccountStackProps) {
    const name = accountStackName(props.environment.name, props.accountId);
    super(scope, name);
    this.environment = props.environment;
    this.retired = props.retired === true;
    configureBackend(this, name, props.environment.backend);
    new AwsProvider(this, 'aws', {
      region: props.region,
      // A deployment with credentials for another account stops instead of writing there.
      allowedAccountIds: [props.accountId],
      assumeRole: props.assumeRoleArn
        ? [{ roleArn: props.assumeRoleArn, sessionName: 'key-insight-deploy' }]
        : undefined,
    });
    pinProvider(this, 'aws');
    if (this.retired) return;

    // A remote state of the environment stack, which holds no secret, rather than a cdktf cross-stack
    // reference: the stack reads the outputs the environment stack publishes anyway, by their names.
    const published = readEnvironmentOutputs(this, props.environmentStack);
    const { issuer, clientId } = props.planOnly
      ? planOnlyEnvironmentOutputs(this, published)
      : { issuer: published.getString(OUTPUT_NAMES.issuer), clientId: published.getString(OUTPUT_NAMES.clientId) };
    this.aws = new AwsOidcTrust(
      this,
      'Aws',
      {
        ...awsProps(props.environment, { issuerUrl: issuer, clientId, audience: props.environment.okta.authorizationServer.audience }),
        account: { partition: partitionOfRegion(props.region), accountId: props.accountId },
      },
    );
    adoptAws(this.aws, props.adopt);
    for (const [outputName, output] of Object.entries(awsOutputs(this.aws))) {
      new TerraformOutput(this, outputName, output);
    }
    this.addDependency(props.environmentStack);
    if (props.planOnly) refuseEveryApply(this);
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

/** What the AWS half trusts: the authorization server's issuer and audience, and the app's client ID. */
interface TrustedClient {
  readonly issuerUrl: string;
  readonly clientId: string;
  readonly audience: string;
}

/** The role, its provider and its policies as configured: the same in the deploying account and in each member account. */
function roleProps(config: StackConfig) {
  const { aws } = config;
  return {
    roleName: aws.role.name ?? defaultRoleName(config.name),
    maxSessionDurationSeconds: aws.role.maxSessionDurationSeconds,
    permissionsBoundary: permissionsBoundary(config),
    thumbprints: aws.oidcProvider.thumbprints,
    scannedServices: aws.scanning.services,
    managedPolicies: [
      ...aws.scanning.managedPolicyArns.map((arn) => ({ arn })),
      ...aws.scanning.managedPolicyNames.map((name) => ({ name })),
    ],
    tags: config.tags,
  };
}

function permissionsBoundary(config: StackConfig): ManagedPolicy | undefined {
  const { permissionsBoundaryArn: arn, permissionsBoundaryName: name } = config.aws.role;
  if (arn !== undefined) return { arn };
  return name === undefined ? undefined : { name };
}

function awsProps(config: StackConfig, client: TrustedClient) {
  return {
    ...client,
    ...roleProps(config),
    extraReadActions: config.aws.organization ? ORGANIZATION_READ_ACTIONS : undefined,
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
    ...roleProps(config),
    organizationalUnitIds: organization.organizationalUnitIds,
    autoDeployment: organization.autoDeployment,
    callAs: organization.callAs,
    maxConcurrentPercentage: organization.maxConcurrentPercentage,
    failureTolerancePercentage: organization.failureTolerancePercentage,
    region: aws.region,
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
    [OUTPUT_NAMES.awsMemberRoleArnPattern]: {
      value: `arn:${partitionOfRegion(config.aws.region)}:iam::<account id>:role/${organization.memberRoleName}`,
      description: "The scanning role's ARN in every member account, <account id> standing for the account's ID.",
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
