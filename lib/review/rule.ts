import type { StackConfig } from '../config';

export type Level = 'error' | 'warning';

/** One Terraform resource as it will be written, overrides included; values may hold unresolved tokens. */
export interface ReviewedResource {
  readonly type: string;
  /** The construct path, e.g. `ki-prod/Okta/Rule`. */
  readonly path: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** What a role's trust policy was meant to require, from the construct that wrote it. */
export interface ReviewedTrust {
  /** The construct path of the `aws_iam_role`. */
  readonly rolePath: string;
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
}

/** A check of the composed stack, in the style of cdk-nag: a stable ID, a one-line cause and the fix. */
export interface Rule {
  readonly id: string;
  readonly level: Level;
  readonly cause: string;
  readonly fix: string;
  /** What breaks the rule in this stack, one entry per place; empty when the stack complies. */
  check(stack: ReviewedStack): string[];
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
