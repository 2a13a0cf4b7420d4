import type { IAMClient } from '@aws-sdk/client-iam';
import type { Client } from '@okta/okta-sdk-nodejs';
import { configPath, type StackConfig } from '../lib/config';
import { loadCommandConfig } from './load-config';
import { accountOfArn } from '../lib/config/arn';
import { defaultRoleName, scanningPolicyName } from '../lib/stack-names';
import { DEFAULT_TIMEOUT_MS, type DiscoverOptions } from './args';
import { awsEndpointProblem, describeAwsError } from './aws-errors';
import { EXIT_CODES } from './exit-codes';
import type { Streams } from './main';
import { describeOktaError, oktaClient, oktaCredentials, type OktaTarget } from './okta-management';
import type { Redactor } from './redactor';
import { UsageError } from './usage-error';

/** IAM is global; the SDK still wants a region to sign for. */
const FALLBACK_REGION = 'us-east-1';

/** One thing looked for: found once (its ID), not found, or found more than once (every ID). */
type Finding = { readonly what: string } & ({ readonly found: string } | { readonly missing: true } | { readonly several: readonly string[] });

interface StackDiscovery {
  readonly stack: StackConfig;
  readonly index: number;
  readonly findings: Finding[];
  readonly adopt: { okta?: Record<string, unknown>; aws?: Record<string, unknown> };
  /** With aws.accounts: the account of the credentials, where the AWS resources were found, and its block. */
  account?: { readonly accountIndex: number; readonly accountId: string; readonly aws: Record<string, unknown> };
  readonly notes: string[];
}

/**
 * `key-insight discover`: finds what the configuration describes in Okta (by label and names) and in
 * AWS IAM (by issuer URL and names), and prints the `adopt` block that imports it. Exit 0 when every
 * object was found exactly once, 1 otherwise (the block then holds what was found), 2 for usage problems.
 */
export async function discoverCommand(options: DiscoverOptions, redactor: Redactor, print: Streams, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const path = configPath(env);
  const config = loadCommandConfig(path);
  const selected = config.stacks
    .map((stack, index) => ({ stack, index }))
    .filter(({ stack }) => options.stack === undefined || stack.name === options.stack);
  if (selected.length === 0) {
    throw new UsageError(`stack "${options.stack}" is not in ${path}; its stacks: ${config.stacks.map((stack) => stack.name).join(', ')}`);
  }
  // Every setting is checked before either SDK loads (about a second each).
  const endpointProblem = awsEndpointProblem('IAM', 'IAM', env);
  if (endpointProblem !== undefined) throw new UsageError(endpointProblem);
  // discover has no --timeout-ms: each Okta request gets the default the other commands use.
  const credentials = oktaCredentials(env, redactor, DEFAULT_TIMEOUT_MS);
  const okta = oktaClient(credentials);
  const iam = await iamClient(env);
  try {
    let complete = true;
    for (const { stack, index } of selected) {
      const discovery: StackDiscovery = { stack, index, findings: [], adopt: {}, notes: [] };
      // Each half is reported on its own: what one found is printed even when the other cannot be reached.
      const failures: string[] = [];
      let issuer: string | undefined;
      try {
        issuer = await discoverOkta(okta, discovery, credentials);
      } catch (error) {
        if (!(error instanceof DiscoveryFailure)) throw error;
        failures.push(error.message);
        discovery.notes.push('Okta: not searched to the end (see the error below); what is listed was found before it.');
      }
      try {
        await discoverAws(iam, discovery, issuer);
      } catch (error) {
        if (!(error instanceof DiscoveryFailure)) throw error;
        failures.push(error.message);
        discovery.notes.push('AWS: not searched to the end (see the error below); what is listed was found before it.');
      }
      // With nothing found, the errors are the whole report: a summary would only say that nothing was searched.
      if (failures.length === 0 || discovery.findings.length > 0) print.stdout(render(discovery, path, failures.length > 0));
      for (const failure of failures) print.stderr(`key-insight: discover "${stack.name}": ${failure}\n`);
      complete &&= failures.length === 0 && discovery.findings.every((finding) => 'found' in finding);
    }
    return complete ? EXIT_CODES.ok : EXIT_CODES.failed;
  } finally {
    iam.destroy();
  }
}

/** Okta: the app by label, the server by name, and on that server the scopes, the policy and its rule. */
async function discoverOkta(client: Client, discovery: StackDiscovery, target: OktaTarget): Promise<string | undefined> {
  const { okta } = discovery.stack;
  const adopt: Record<string, unknown> = {};
  discovery.adopt.okta = adopt;
  const take = (field: string, finding: Finding) => {
    discovery.findings.push(finding);
    if ('found' in finding) adopt[field] = finding.found;
    return 'found' in finding ? finding.found : undefined;
  };

  const apps = await oktaList(`the apps labelled "${okta.app.label}"`, target, () => client.applicationApi.listApplications({ q: okta.app.label }));
  take('appId', exactly(`Okta app labelled "${okta.app.label}"`, apps.filter((app) => app.label === okta.app.label)));

  const serverName = okta.authorizationServer.name;
  const servers = await oktaList(`the authorization servers named "${serverName}"`, target, () => client.authorizationServerApi.listAuthorizationServers({ q: serverName }));
  const matching = servers.filter((server) => server.name === serverName);
  const serverId = take('authorizationServerId', exactly(`Okta authorization server named "${serverName}"`, matching));
  if (serverId === undefined) {
    discovery.notes.push('The scopes, the access policy and its rule are looked for on the authorization server once it is found exactly once.');
    return undefined;
  }

  const scopes = await oktaList('the scopes', target, () => client.authorizationServerApi.listOAuth2Scopes({ authServerId: serverId }));
  const scopeIds: Record<string, string> = {};
  for (const { name } of okta.scopes) {
    const finding = exactly(`scope "${name}"`, scopes.filter((scope) => scope.name === name));
    discovery.findings.push(finding);
    if ('found' in finding) scopeIds[name] = finding.found;
  }
  if (Object.keys(scopeIds).length > 0) adopt.scopeIds = scopeIds;

  const policies = await oktaList('the access policies', target, () => client.authorizationServerApi.listAuthorizationServerPolicies({ authServerId: serverId }));
  const policyId = take('accessPolicyId', exactly(`access policy named "${okta.accessPolicy.name}"`, policies.filter((policy) => policy.name === okta.accessPolicy.name)));
  if (policyId !== undefined) {
    const rules = await oktaList('the rules', target, () => client.authorizationServerApi.listAuthorizationServerPolicyRules({ authServerId: serverId, policyId }));
    take('ruleId', exactly(`rule named "${okta.rule.name}"`, rules.filter((rule) => rule.name === okta.rule.name)));
  }
  const issuer = matching[0]?.issuer;
  return typeof issuer === 'string' ? issuer : undefined;
}

/** AWS: the OIDC provider of the server's issuer, the role and the scanning policy by their configured names. */
async function discoverAws(iam: IAMClient, discovery: StackDiscovery, issuer: string | undefined): Promise<void> {
  const { stack } = discovery;
  const iamSdk = await import('@aws-sdk/client-iam');
  const adopt: Record<string, unknown> = {};
  const arns: string[] = [];

  if (issuer === undefined) {
    discovery.notes.push("The IAM OIDC provider is looked for by the authorization server's issuer, once the server is found.");
  } else {
    const withoutScheme = (value: string) => value.replace(/^[a-z]+:\/\//, '').replace(/\/$/, '');
    const url = withoutScheme(issuer);
    const listed = await awsCall('list the IAM OIDC providers', () => iam.send(new iamSdk.ListOpenIDConnectProvidersCommand({})));
    const arns = (listed.OpenIDConnectProviderList ?? []).map((entry) => entry.Arn).filter((arn): arn is string => typeof arn === 'string');
    const matching: string[] = [];
    for (const arn of arns) {
      const provider = await awsCall(`read the IAM OIDC provider ${arn}`, () => iam.send(new iamSdk.GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })));
      // IAM stores the URL without its scheme; the issuer has one.
      if (withoutScheme(provider.Url ?? '') === url) matching.push(arn);
    }
    const finding = exactly(`IAM OIDC provider for ${issuer}`, matching.map((arn) => ({ id: arn })));
    discovery.findings.push(finding);
    if ('found' in finding) {
      adopt.oidcProviderArn = finding.found;
      arns.push(finding.found);
    }
  }

  const roleName = stack.aws.role.name ?? defaultRoleName(stack.name);
  const role = await awsCall(`read the IAM role ${roleName}`, async () => {
    try {
      return await iam.send(new iamSdk.GetRoleCommand({ RoleName: roleName }));
    } catch (error) {
      if (error instanceof iamSdk.NoSuchEntityException) return undefined;
      throw error;
    }
  });
  const roleFinding: Finding = role?.Role === undefined ? { what: `IAM role named "${roleName}"`, missing: true } : { what: `IAM role named "${roleName}"`, found: roleName };
  discovery.findings.push(roleFinding);
  if ('found' in roleFinding) adopt.roleName = roleName;
  if (role?.Role?.Arn !== undefined) arns.push(role.Role.Arn);

  const policyName = scanningPolicyName(roleName);
  const policies: string[] = [];
  let marker: string | undefined;
  do {
    const page = await awsCall('list the IAM policies', () => iam.send(new iamSdk.ListPoliciesCommand({ Scope: 'Local', ...(marker === undefined ? {} : { Marker: marker }) })));
    for (const policy of page.Policies ?? []) if (policy.PolicyName === policyName && policy.Arn !== undefined) policies.push(policy.Arn);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker !== undefined);
  const policyFinding = exactly(`IAM policy named "${policyName}"`, policies.map((arn) => ({ id: arn })));
  discovery.findings.push(policyFinding);
  if ('found' in policyFinding) {
    adopt.scanningPolicyArn = policyFinding.found;
    arns.push(policyFinding.found);
  }
  placeAwsAdoption(discovery, adopt, arns);
}

/**
 * Without aws.accounts the AWS resources belong to the environment stack. With them, they belong to the
 * account the credentials are in, which the ARNs found name: its entry of aws.accounts gets the block.
 */
function placeAwsAdoption(discovery: StackDiscovery, adopt: Record<string, unknown>, arns: readonly string[]): void {
  const { accounts } = discovery.stack.aws;
  if (accounts === undefined) {
    discovery.adopt.aws = adopt;
    return;
  }
  const accountId = arns.map(accountOfArn).find((id): id is string => id !== undefined);
  if (accountId === undefined) {
    discovery.notes.push('AWS: nothing found in the account of these credentials. Run discover with each listed account\'s credentials.');
    return;
  }
  const accountIndex = accounts.findIndex((account) => account.accountId === accountId);
  if (accountIndex < 0) {
    discovery.notes.push(`AWS: these credentials are for account ${accountId}, which stacks[${discovery.index}].aws.accounts does not list; nothing to paste for it.`);
    return;
  }
  discovery.account = { accountIndex, accountId, aws: adopt };
  discovery.notes.push(`AWS: searched account ${accountId}, the account of these credentials. Run discover with each listed account's credentials.`);
}

function exactly(what: string, candidates: ReadonlyArray<{ id?: string }>): Finding {
  const ids = candidates.map((candidate) => candidate.id).filter((id): id is string => typeof id === 'string');
  if (ids.length === 0) return { what, missing: true };
  if (ids.length > 1) return { what, several: ids };
  return { what, found: ids[0]! };
}

async function oktaList<T>(what: string, target: OktaTarget, list: () => Promise<AsyncIterable<T | null>>): Promise<T[]> {
  try {
    const items: T[] = [];
    for await (const item of await list()) if (item !== null) items.push(item);
    return items;
  } catch (error) {
    throw new DiscoveryFailure(`cannot list ${what} in Okta: ${describeOktaError(error, target)}`);
  }
}

async function awsCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new DiscoveryFailure(`cannot ${what} in AWS: ${describeAwsError(error)}`);
  }
}

/** Okta or AWS could not answer: discover stops with exit code 1, saying which call failed. */
class DiscoveryFailure extends Error {}

async function iamClient(env: NodeJS.ProcessEnv): Promise<IAMClient> {
  const { IAMClient: Iam } = await import('@aws-sdk/client-iam');
  return new Iam({ region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? FALLBACK_REGION, maxAttempts: 2 });
}

function render(discovery: StackDiscovery, path: string, stopped: boolean): string {
  const { stack, index, findings, adopt } = discovery;
  const found = findings.filter((finding): finding is Finding & { found: string } => 'found' in finding);
  const missing = findings.filter((finding) => 'missing' in finding);
  const several = findings.filter((finding): finding is Finding & { several: readonly string[] } => 'several' in finding);
  const block = Object.fromEntries(Object.entries(adopt).filter(([, value]) => value !== undefined && Object.keys(value).length > 0));
  const lines = [`Stack "${stack.name}" (stacks[${index}] of ${path})`, ''];
  lines.push(`Found (${found.length} of ${findings.length}):`, ...found.map((finding) => `  ${finding.what}: ${finding.found}`));
  if (missing.length > 0) lines.push('', 'Not found (will be created):', ...missing.map((finding) => `  ${finding.what}`));
  if (several.length > 0) {
    lines.push('', 'Found more than once (rename the extra ones, or paste the right ID yourself):', ...several.map((finding) => `  ${finding.what}: ${finding.several.join(', ')}`));
  }
  lines.push(...discovery.notes.map((note) => `\n${note}`));
  const account = discovery.account;
  const accountBlock = account === undefined || Object.keys(account.aws).length === 0 ? undefined : { aws: account.aws };
  if (Object.keys(block).length === 0 && accountBlock === undefined) {
    lines.push('', stopped ? 'Nothing to adopt so far: the search stopped at the error below.' : 'Nothing to adopt.', '');
    return lines.join('\n');
  }
  if (Object.keys(block).length > 0) {
    lines.push('', `Paste into stacks[${index}] ("${stack.name}"):`, `"adopt": ${JSON.stringify(block, null, 2)}`);
  }
  if (account !== undefined && accountBlock !== undefined) {
    lines.push('', `Paste into stacks[${index}].aws.accounts[${account.accountIndex}] ("${account.accountId}"):`, `"adopt": ${JSON.stringify(accountBlock, null, 2)}`);
  }
  lines.push('');
  return lines.join('\n');
}
