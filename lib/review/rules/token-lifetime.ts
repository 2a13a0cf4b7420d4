import { Rule, resourcesOfType } from '../rule';

/** Okta's default; a leaked token is usable for as long as it lives. */
const LIFETIME_LIMIT_MINUTES = 60;

export const tokenLifetime: Rule = {
  id: 'KI-TOKEN-LIFETIME',
  level: 'warning',
  cause: `access tokens live longer than ${LIFETIME_LIMIT_MINUTES} minutes`,
  fix: `set stacks[].okta.rule.accessTokenLifetimeMinutes to ${LIFETIME_LIMIT_MINUTES} or less`,
  check: (stack) =>
    resourcesOfType(stack, 'okta_auth_server_policy_rule').flatMap((rule) => {
      const minutes = rule.attributes.access_token_lifetime_minutes;
      return typeof minutes === 'number' && minutes > LIFETIME_LIMIT_MINUTES ? [`${rule.path} (${minutes} minutes)`] : [];
    }),
};
