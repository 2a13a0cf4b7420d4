import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** The configuration file that ships with the project, parsed but not validated. */
export function shippedConfig(): any {
  return JSON.parse(readFileSync(join(ROOT, 'key-insight.config.json'), 'utf8'));
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
