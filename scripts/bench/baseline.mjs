// The template-style baseline: the same stack written as `cdktf init --template=typescript` sets a
// project up (`npx ts-node main.ts`, the template's tsconfig, one main.ts), in two variants that
// differ only in how the provider bindings are imported.
import { randomUUID } from 'node:crypto';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const AWS_CLASSES = [
  ['awsProvider', 'provider'],
  ['iamOpenidConnectProvider', 'iam-openid-connect-provider'],
  ['iamRole', 'iam-role'],
  ['iamPolicy', 'iam-policy'],
  ['iamRolePolicyAttachment', 'iam-role-policy-attachment'],
];
const OKTA_CLASSES = [
  ['oktaProvider', 'provider'],
  ['appOauth', 'app-oauth'],
  ['dataOktaAppOauth', 'data-okta-app-oauth'],
  ['authServer', 'auth-server'],
  ['authServerScope', 'auth-server-scope'],
  ['authServerPolicy', 'auth-server-policy'],
  ['authServerPolicyRule', 'auth-server-policy-rule'],
];

/** `root`: one import per package from its index; `deep`: one import per class from its own module. */
function importLines(style) {
  if (style === 'root') {
    const named = (classes) =>
      classes.map(([name, module]) => (module === 'provider' ? `provider as ${name}` : name)).join(', ');
    return [
      `import { ${named(AWS_CLASSES)} } from "@cdktf/provider-aws";`,
      `import { ${named(OKTA_CLASSES)} } from "@cdktf/provider-okta";`,
    ].join('\n');
  }
  const deep = (classes, pkg) => classes.map(([name, module]) => `import * as ${name} from "${pkg}/lib/${module}";`);
  return [...deep(AWS_CLASSES, '@cdktf/provider-aws'), ...deep(OKTA_CLASSES, '@cdktf/provider-okta')].join('\n');
}

// Read-only actions for the role's policy; the exact list does not change the resource set.
const SCANNING_ACTIONS = [
  'account:ListRegions',
  'kms:ListKeys',
  'kms:DescribeKey',
  'acm:ListCertificates',
  'acm:DescribeCertificate',
  's3:ListAllMyBuckets',
  's3:GetEncryptionConfiguration',
  'ec2:DescribeVolumes',
  'rds:DescribeDBInstances',
  'dynamodb:DescribeTable',
];

const MAIN_TS = `import { Construct } from "constructs";
import { App, DataTerraformRemoteStateLocal, Fn, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
%IMPORTS%

const environments = %ENVIRONMENTS%;
const scanningActions = %ACTIONS%;

type Environment = (typeof environments)[number];

class KeyInsightStack extends TerraformStack {
  constructor(scope: Construct, env: Environment) {
    super(scope, env.name);
    new LocalBackend(this, { path: \`../../../terraform.\${env.name}.tfstate\` });
    new oktaProvider.OktaProvider(this, "okta", {});
    this.addOverride("terraform.required_providers.okta.version", "6.12.0");
    new awsProvider.AwsProvider(this, "aws", { region: env.region });

    const app = new appOauth.AppOauth(this, "App", {
      label: env.appLabel,
      type: "service",
      grantTypes: ["client_credentials"],
      responseTypes: ["token"],
      tokenEndpointAuthMethod: "client_secret_basic",
    });
    app.addOverride("omit_secret", true);
    app.addOverride("skip_authentication_policy", true);
    const server = new authServer.AuthServer(this, "AuthorizationServer", {
      name: env.authorizationServerName,
      description: env.authorizationServerDescription,
      audiences: [env.audience],
      issuerMode: "ORG_URL",
    });
    const scopes = env.scopes.map(
      (scope, index) =>
        new authServerScope.AuthServerScope(this, \`Scope\${index}\`, {
          authServerId: server.id,
          name: scope.name,
          description: scope.description,
          default: scope.isDefault,
          consent: "IMPLICIT",
        }),
    );
    const policy = new authServerPolicy.AuthServerPolicy(this, "AccessPolicy", {
      authServerId: server.id,
      name: env.accessPolicyName,
      description: env.accessPolicyDescription,
      priority: 1,
      clientWhitelist: [app.clientId],
    });
    new authServerPolicyRule.AuthServerPolicyRule(this, "Rule", {
      authServerId: server.id,
      policyId: policy.id,
      name: env.ruleName,
      priority: 1,
      grantTypeWhitelist: ["client_credentials"],
      scopeWhitelist: scopes.map((scope) => scope.name),
      accessTokenLifetimeMinutes: env.accessTokenLifetimeMinutes,
    });

    const oidcProvider = new iamOpenidConnectProvider.IamOpenidConnectProvider(this, "OidcProvider", {
      url: server.issuer,
      clientIdList: [env.audience],
      tags: env.tags,
    });
    const issuerHostPath = Fn.replace(server.issuer, "https://", "");
    const role = new iamRole.IamRole(this, "Role", {
      name: env.roleName,
      maxSessionDuration: env.maxSessionDurationSeconds,
      tags: env.tags,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: oidcProvider.arn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: { [\`\${issuerHostPath}:aud\`]: env.audience, [\`\${issuerHostPath}:sub\`]: app.clientId },
            },
          },
        ],
      }),
    });
    const scanningPolicy = new iamPolicy.IamPolicy(this, "ScanningPolicy", {
      name: \`\${env.roleName}-scanning\`,
      tags: env.tags,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: scanningActions, Resource: "*" }],
      }),
    });
    const policyArns = [scanningPolicy.arn, ...env.managedPolicyArns];
    policyArns.forEach((policyArn, index) => {
      new iamRolePolicyAttachment.IamRolePolicyAttachment(this, \`PolicyAttachment\${index}\`, {
        role: role.name,
        policyArn,
      });
    });

    const outputs = {
      client_id: { value: app.clientId },
      metadata_uri: { value: \`\${server.issuer}/.well-known/oauth-authorization-server\` },
      issuer: { value: server.issuer },
      token_endpoint: { value: \`\${server.issuer}/v1/token\` },
      audience: { value: env.audience },
      scopes: { value: scopes.map((scope) => scope.name) },
      aws_role_arn: { value: role.arn },
      aws_oidc_provider_arn: { value: oidcProvider.arn },
    };
    for (const [name, output] of Object.entries(outputs)) {
      new TerraformOutput(this, name, output);
    }
  }
}

/** The client secret in a stack of its own, which nothing reads: it finds the app by the environment's published client ID. */
class ClientSecretStack extends TerraformStack {
  constructor(scope: Construct, env: Environment) {
    super(scope, \`\${env.name}-secret\`);
    new LocalBackend(this, { path: \`../../../terraform.\${env.name}-secret.tfstate\` });
    new oktaProvider.OktaProvider(this, "okta", {});
    this.addOverride("terraform.required_providers.okta.version", "6.12.0");
    const environment = new DataTerraformRemoteStateLocal(this, "Environment", { path: \`../../../terraform.\${env.name}.tfstate\` });
    const appSecret = new dataOktaAppOauth.DataOktaAppOauth(this, "AppSecret", { id: environment.getString("client_id") });
    new TerraformOutput(this, "client_secret", { value: appSecret.clientSecret, sensitive: true });
  }
}

const app = new App();
for (const env of environments) {
  new KeyInsightStack(app, env);
  new ClientSecretStack(app, env);
}
app.synth();
`;

/** The values main.ts needs from one environment of the project's configuration file. */
function environmentValues(environment) {
  if (environment.aws.accounts) {
    throw new Error(
      `environment ${environment.name} lists aws.accounts, but the template-style baseline only builds environments without them (as the shipped configuration has)`,
    );
  }
  const { okta, aws } = environment;
  const anyMarkedDefault = okta.scopes.some((scope) => scope.default !== undefined);
  return {
    name: environment.name,
    region: aws.region,
    appLabel: okta.app?.label ?? 'Fortanix Key Insight',
    authorizationServerName: okta.authorizationServer.name ?? 'Fortanix Key Insight',
    authorizationServerDescription: okta.authorizationServer.description ?? 'Fortanix Key Insight',
    audience: okta.authorizationServer.audience,
    scopes: okta.scopes.map((scope, index) => ({
      name: scope.name,
      description: scope.description ?? scope.name,
      isDefault: anyMarkedDefault ? scope.default === true : index === 0,
    })),
    accessPolicyName: okta.accessPolicy?.name ?? 'Fortanix Key Insight',
    accessPolicyDescription: okta.accessPolicy?.description ?? 'Fortanix Key Insight',
    ruleName: okta.rule?.name ?? 'Client credentials',
    accessTokenLifetimeMinutes: okta.rule?.accessTokenLifetimeMinutes ?? 60,
    roleName: aws.role?.name ?? `${environment.name}-scanner`,
    maxSessionDurationSeconds: aws.role?.maxSessionDurationSeconds ?? 3600,
    managedPolicyArns: aws.scanning?.managedPolicyArns ?? [],
    tags: environment.tags ?? {},
  };
}

export function baselineMainTs(style, config) {
  return MAIN_TS.replace('%IMPORTS%', importLines(style))
    .replace('%ENVIRONMENTS%', JSON.stringify(config.stacks.map(environmentValues), null, 2))
    .replace('%ACTIONS%', JSON.stringify(SCANNING_ACTIONS));
}

/**
 * Writes a template-style project into dir: cdktf.json, package.json, the template's own
 * tsconfig.json (from the installed cdktf-cli), main.ts, and node_modules linked to the installed one.
 */
export function writeBaseline({ dir, style, config, nodeModules }) {
  const templateTsconfig = join(nodeModules, 'cdktf-cli', 'bundle', 'templates', 'typescript', 'tsconfig.json');
  writeFileSync(join(dir, 'tsconfig.json'), readFileSync(templateTsconfig));
  writeFileSync(
    join(dir, 'cdktf.json'),
    `${JSON.stringify(
      {
        language: 'typescript',
        app: 'npx ts-node main.ts',
        projectId: randomUUID(),
        sendCrashReports: 'false',
        terraformProviders: [],
        terraformModules: [],
        context: {},
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `baseline-${style}`, version: '1.0.0', main: 'main.js', types: 'main.ts', private: true }, null, 2)}\n`,
  );
  writeFileSync(join(dir, 'main.ts'), baselineMainTs(style, config));
  symlinkSync(nodeModules, join(dir, 'node_modules'), 'dir');
}
