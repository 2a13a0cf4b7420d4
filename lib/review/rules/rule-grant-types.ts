import { CLIENT_CREDENTIALS } from '../../okta-facts';
import { Rule, resourcesOfType, stringList } from '../rule';

/** Any other grant would let users or browsers obtain tokens that AWS then trusts. */
export const ruleGrantTypes: Rule = {
  id: 'KI-RULE-GRANT',
  level: 'error',
  cause: 'the access-policy rule allows a grant type other than client_credentials',
  fix: 'keep grant_type_whitelist = ["client_credentials"]',
  check: (stack) =>
    resourcesOfType(stack, 'okta_auth_server_policy_rule').flatMap((rule) => {
      const grants = stringList(rule.attributes.grant_type_whitelist);
      return grants.length === 0 || grants.some((grant) => grant !== CLIENT_CREDENTIALS) ? [rule.path] : [];
    }),
};
