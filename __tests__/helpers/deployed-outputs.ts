import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { parseConfig } from '../../lib/config';
import { addEnvironments } from '../../lib/key-insight-app';
import { synthStacks, type TerraformJson } from './synth';

/** What only a real deploy knows: the Okta side's generated values, and the account of a stack without allowed_account_ids. */
export interface DeployedValues {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly issuer: string;
  /** The account the environment stack itself deploys to (single-account and organization environments). */
  readonly environmentAccountId: string;
}

/**
 * The outputs file `cdktf deploy --outputs-file F --outputs-file-include-sensitive-outputs` would write
 * for a configuration: the stacks and output names are those the synth produces, and each output's
 * value is its synthesized expression with the references resolved as a deploy would resolve them
 * (a role's ARN from its name and its stack's account, an authorization server's issuer, ...). A
 * reference it does not know fails the helper, so that a change of the synthesized outputs shows here.
 */
export function deployedOutputs(config: unknown, values: DeployedValues): Record<string, Record<string, unknown>> {
  // Made as synthConfig makes it, in an outdir removed again once read.
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'cdktf.outdir.')), stackTraces: false, skipValidation: true });
  let stacks: Record<string, TerraformJson>;
  try {
    addEnvironments(app, parseConfig(config));
    stacks = synthStacks(app);
  } finally {
    rmSync(app.outdir, { recursive: true, force: true });
  }
  const context = { stacks, values };
  return Object.fromEntries(
    Object.entries(stacks).map(([name, stack]) => [
      name,
      Object.fromEntries(Object.entries(stack.output ?? {}).map(([output, { value }]) => [output, resolve(value, name, context)])),
    ]),
  );
}

interface Context {
  readonly stacks: Record<string, TerraformJson>;
  readonly values: DeployedValues;
}

function resolve(value: unknown, stackName: string, context: Context): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(item, stackName, context));
  if (typeof value !== 'string') return value;
  return value.replace(/\$\{([^}]+)\}/g, (_, reference: string) => String(resolve(attribute(reference, stackName, context), stackName, context)));
}

function attribute(reference: string, stackName: string, context: Context): string {
  const { values } = context;
  const stack = context.stacks[stackName]!;
  const parts = reference.split('.');
  if (parts[0] === 'data' && parts[1] === 'terraform_remote_state' && parts[3] === 'outputs') {
    // An account stack reads its environment stack's state: the stack named without "-<account ID>".
    const environment = stackName.replace(/-\d{12}$/, '');
    const output = context.stacks[environment]?.output?.[parts[4] ?? ''];
    if (output === undefined) throw new Error(`stack ${stackName}: no output ${parts[4]} in stack ${environment} to resolve \${${reference}}`);
    return String(resolve(output.value, environment, context));
  }
  const [type, name, field] = parts[0] === 'data' ? parts.slice(1) : parts;
  const source = parts[0] === 'data' ? stack.data : stack.resource;
  const resource = source?.[type ?? '']?.[name ?? ''];
  if (resource === undefined) throw new Error(`stack ${stackName}: no ${reference.split('.').slice(0, -1).join('.')} to resolve \${${reference}}`);
  const account = (stack.provider?.aws?.[0]?.allowed_account_ids?.[0] as string | undefined) ?? values.environmentAccountId;
  const resolved: Record<string, () => string | undefined> = {
    'aws_iam_role.arn': () => `arn:aws:iam::${account}:role/${resource.name}`,
    'aws_iam_openid_connect_provider.arn': () => `arn:aws:iam::${account}:oidc-provider/${String(resolve(resource.url, stackName, context)).replace(/^https:\/\//, '')}`,
    'aws_cloudformation_stack_set.name': () => resource.name,
    'okta_app_oauth.client_id': () => values.clientId,
    'okta_app_oauth.client_secret': () => values.clientSecret,
    'okta_auth_server.issuer': () => values.issuer,
    'okta_auth_server_scope.name': () => resource.name,
  };
  const value = resolved[`${type}.${field}`]?.();
  if (typeof value !== 'string') throw new Error(`stack ${stackName}: the deploy stand-in cannot resolve \${${reference}}`);
  return value;
}
