import { Rule, resourcesOfType, stringList } from '../rule';

/** STS compares the token's aud with the provider's client IDs; without it every assume fails. */
export const oidcAudience: Rule = {
  id: 'KI-OIDC-AUDIENCE',
  level: 'error',
  cause: "the OIDC provider's client ID list does not hold the authorization server's audience",
  fix: 'keep client_id_list = [stacks[].okta.authorizationServer.audience]',
  check: (stack) =>
    resourcesOfType(stack, 'aws_iam_openid_connect_provider').flatMap((provider) =>
      stringList(provider.attributes.client_id_list).includes(stack.environment.okta.authorizationServer.audience)
        ? []
        : [provider.path],
    ),
};
