import { Rule, resourcesOfType, stringList } from '../rule';

/** `*` lets the client ask for every scope of the server, including scopes added later for others. */
export const ruleScopeWildcard: Rule = {
  id: 'KI-RULE-SCOPE',
  level: 'error',
  cause: 'the access-policy rule allows any scope (*) or names no scope',
  fix: 'list the scopes in stacks[].okta.scopes; the rule allows exactly those',
  check: (stack) =>
    resourcesOfType(stack, 'okta_auth_server_policy_rule').flatMap((rule) => {
      const scopes = stringList(rule.attributes.scope_whitelist);
      return scopes.length === 0 || scopes.includes('*') ? [rule.path] : [];
    }),
};
