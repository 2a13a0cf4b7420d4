import type { StackConfig } from '../../config';
import { Rule } from '../rule';

/** The Okta names `npx key-insight discover` finds an environment's objects by. */
const DISCOVERED_BY: ReadonlyArray<readonly [string, (environment: StackConfig) => string]> = [
  ['okta.app.label', (environment) => environment.okta.app.label],
  ['okta.authorizationServer.name', (environment) => environment.okta.authorizationServer.name],
  ['okta.authorizationServer.audience', (environment) => environment.okta.authorizationServer.audience],
];

/**
 * Two environments with the same app label, authorization server name or audience cannot be told apart
 * in one Okta org: `discover` finds objects by those names, and a person reading Okta's console cannot
 * either. Environments in different Okta orgs may share them: that is what an acknowledgement says.
 */
export const oktaNamesShared: Rule = {
  id: 'KI-OKTA-NAMES-SHARED',
  level: 'warning',
  cause: 'another environment has the same Okta app label, authorization server name or audience, which `npx key-insight discover` finds Okta objects by',
  fix: 'give each environment its own stacks[].okta.app.label, okta.authorizationServer.name and okta.authorizationServer.audience, or acknowledge this warning where the environments use different Okta orgs',
  check: (stack) => {
    if (stack.name !== stack.environment.name) return [];
    return DISCOVERED_BY.flatMap(([field, valueOf]) => {
      const value = valueOf(stack.environment);
      const others = stack.environments.filter((other) => other !== stack.environment && valueOf(other) === value).map((other) => other.name);
      return others.length === 0 ? [] : [`${field} ${JSON.stringify(value)} is also ${others.join(', ')}'s`];
    });
  },
};
