import type { StackConfig } from '../config';

export type Level = 'error' | 'warning';

/** One Terraform resource as it will be written, overrides included; values may hold unresolved tokens. */
export interface ReviewedResource {
  readonly type: string;
  /** The construct path, e.g. `ki-prod/Okta/Rule`. */
  readonly path: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  /**
   * How a policy of the same stack names an OIDC provider's ARN: `${aws_iam_openid_connect_provider.<id>.arn}`
   * as the synth writes it, `${<logical ID>}` in a template's Fn::Sub (an AWS::IAM::OIDCProvider's Ref
   * is its ARN). Set for OIDC providers only, whose ARN a role's trust names.
   */
  readonly arn?: string;
}

/** What a role's trust policy was meant to require, from the construct that wrote it. */
export interface ReviewedTrust {
  /** The construct path of the `aws_iam_role`. */
  readonly rolePath: string;
  /** The construct path of the OIDC provider made beside the role, the one its trust must name. */
  readonly providerPath: string;
  /** The issuer without `https://`; may hold unresolved tokens. */
  readonly keyPrefix: string;
  readonly audience: string;
  /** The Okta app's client ID; may hold unresolved tokens. */
  readonly clientId: string;
}

export interface ReviewedStack {
  readonly name: string;
  /** The environment (entry of `stacks`) the stack belongs to. */
  readonly environment: StackConfig;
  /** Every environment of the configuration, in its order, this one included. */
  readonly environments: readonly StackConfig[];
  readonly resources: readonly ReviewedResource[];
  readonly trusts: readonly ReviewedTrust[];
  /** A value as the synth writes it: tokens replaced by Terraform expressions such as `${aws_iam_openid_connect_provider.<id>.arn}`. */
  resolve(value: string): string;
}

/** A check of the composed stack, in the style of cdk-nag: a stable ID, a one-line cause and the fix. */
export interface Rule {
  readonly id: string;
  readonly level: Level;
  readonly cause: string;
  readonly fix: string;
  /**
   * An error a configuration may accept with a written reason, for a need only its owners can judge.
   * @default - only warnings can be acknowledged
   */
  readonly acknowledgeable?: boolean;
  /** What breaks the rule in this stack, one entry per place; empty when the stack complies. */
  check(stack: ReviewedStack): string[];
}

/** Whether a configuration may acknowledge the rule: every warning, and the errors that say so. */
export function isAcknowledgeable(rule: Rule): boolean {
  return rule.level === 'warning' || rule.acknowledgeable === true;
}

export function resourcesOfType(stack: ReviewedStack, type: string): readonly ReviewedResource[] {
  return stack.resources.filter((resource) => resource.type === type);
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

export interface Statement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** The statements of a policy document held as a JSON string; none when it is not one. */
export function statementsOf(document: unknown): Statement[] {
  if (typeof document !== 'string') return [];
  try {
    const parsed = JSON.parse(document);
    const statements = parsed?.Statement;
    return Array.isArray(statements) ? statements : statements ? [statements] : [];
  } catch {
    return [];
  }
}

export function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
