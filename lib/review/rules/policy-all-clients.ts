import { ALL_CLIENTS } from '../../okta-facts';
import { Rule, resourcesOfType, stringList } from '../rule';

export const policyAllClients: Rule = {
  id: 'KI-POLICY-ALL-CLIENTS',
  level: 'warning',
  cause: 'the access policy covers every client of the authorization server, not only the Key Insight app',
  fix: 'set stacks[].okta.accessPolicy.assignTo to "this-app"',
  check: (stack) =>
    resourcesOfType(stack, 'okta_auth_server_policy').flatMap((policy) =>
      stringList(policy.attributes.client_whitelist).includes(ALL_CLIENTS) ? [policy.path] : [],
    ),
};
