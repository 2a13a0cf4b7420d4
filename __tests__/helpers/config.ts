import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '../../lib/config';

export const ROOT = join(__dirname, '..', '..');

/**
 * A complete one-environment configuration that sets every field a team usually changes, with values
 * of its own (the shipped key-insight.config.json is the team's file, which tests never read).
 */
export function oneEnvironment(): any {
  return JSON.parse(readFileSync(join(ROOT, '__tests__', 'fixtures', 'one-environment.config.json'), 'utf8'));
}

/** A one-stack configuration with only the required fields, for tests to change one thing in. */
export function minimalStack(overrides: Record<string, unknown> = {}): any {
  return {
    name: 'ki-test',
    okta: {
      authorizationServer: { audience: 'api://key-insight-test' },
      scopes: [{ name: 'key-insight.scan' }],
    },
    aws: { region: 'eu-west-1' },
    ...overrides,
  };
}

export function configWith(...stacks: any[]): any {
  return { stacks };
}

/** Sets a value at a dotted path ("okta.rule.accessTokenLifetimeMinutes") in a copy of a stack. */
export function withValue(stack: any, path: string, value: unknown): any {
  const copy = structuredClone(stack);
  const keys = path.split('.');
  let node = copy;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key];
  }
  if (value === undefined) delete node[keys[keys.length - 1]];
  else node[keys[keys.length - 1]] = value;
  return copy;
}

/** The message of the ConfigError a configuration gets; fails when the configuration is accepted. */
export function problemsOf(input: unknown): string {
  try {
    parseConfig(input, 'test.json');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message;
  }
  throw new Error('the configuration was accepted');
}

/** The refusal of a minimal stack with one value changed. */
export function refusalOf(path: string, value: unknown): string {
  return problemsOf(configWith(withValue(minimalStack(), path, value)));
}
