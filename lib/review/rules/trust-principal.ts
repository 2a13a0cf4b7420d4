import { ASSUME_ROLE_ACTION } from '../../aws-facts';
import { preview } from '../../preview';
import { Rule, ReviewedStack, Statement, asList, resourcesOfType, statementsOf } from '../rule';

/** What is wrong with one Allow statement's principal and action; empty when it is the web identity of the stack's own provider. */
function problems(statement: Statement, stack: ReviewedStack, providerArns: readonly string[]): string[] {
  const principal = statement.Principal as Record<string, unknown> | undefined;
  const onlyFederated = typeof principal === 'object' && principal !== null && Object.keys(principal).join() === 'Federated';
  if (!onlyFederated) return ['the principal is not Federated alone'];
  const actions = asList(statement.Action);
  if (statement.NotAction !== undefined || actions.length !== 1 || actions[0] !== ASSUME_ROLE_ACTION) {
    return [`allows ${statement.NotAction !== undefined ? 'NotAction' : preview(actions.join(', '))}, not ${ASSUME_ROLE_ACTION} alone`];
  }
  const federated = principal.Federated;
  const arn = typeof federated === 'string' ? stack.resolve(federated) : undefined;
  return arn !== undefined && providerArns.includes(arn) ? [] : [`Federated is ${preview(arn ?? federated)}, not the OIDC provider made beside the role`];
}

/**
 * The role exists for one thing: Key Insight presenting its token through the OIDC provider made
 * beside it (an adopted provider is imported into that same resource). Another provider, of this
 * account or another, would let tokens of another issuer or account decide who assumes the role.
 */
export const trustPrincipal: Rule = {
  id: 'KI-TRUST-PRINCIPAL',
  level: 'error',
  cause: "the role trust allows more than sts:AssumeRoleWithWebIdentity by the stack's own federated OIDC provider",
  fix: 'let AwsOidcTrust write the trust policy; do not add principals or actions to it',
  check: (stack) => {
    const providers = resourcesOfType(stack, 'aws_iam_openid_connect_provider');
    return resourcesOfType(stack, 'aws_iam_role').flatMap((role) => {
      // A role no AwsOidcTrust wrote is KI-TRUST-CONDITIONS' error; here it may trust any provider of the stack.
      const providerPath = stack.trusts.find((trust) => trust.rolePath === role.path)?.providerPath;
      const providerArns = providers
        .filter((provider) => providerPath === undefined || provider.path === providerPath)
        .flatMap((provider) => (provider.arn === undefined ? [] : [provider.arn]));
      const found = statementsOf(role.attributes.assume_role_policy)
        .filter((statement) => statement.Effect === 'Allow')
        .flatMap((statement) => problems(statement, stack, providerArns));
      return found.length > 0 ? [`${role.path} (${found.join('; ')})`] : [];
    });
  },
};
