import { ASSUME_ROLE_ACTION } from '../../aws-facts';
import { Rule, asList, resourcesOfType, statementsOf } from '../rule';

/** The role exists for one thing: Key Insight presenting its token through the OIDC provider. */
export const trustPrincipal: Rule = {
  id: 'KI-TRUST-PRINCIPAL',
  level: 'error',
  cause: 'the role trust allows more than sts:AssumeRoleWithWebIdentity by the federated OIDC provider',
  fix: 'let AwsOidcTrust write the trust policy; do not add principals or actions to it',
  check: (stack) =>
    resourcesOfType(stack, 'aws_iam_role').flatMap((role) =>
      statementsOf(role.attributes.assume_role_policy).some((statement) => {
        if (statement.Effect !== 'Allow') return false;
        const principal = statement.Principal as Record<string, unknown> | undefined;
        const onlyFederated =
          typeof principal === 'object' && principal !== null && Object.keys(principal).join() === 'Federated';
        const actions = asList(statement.Action);
        return (
          !onlyFederated ||
          statement.NotAction !== undefined ||
          actions.length !== 1 ||
          actions[0] !== ASSUME_ROLE_ACTION
        );
      })
        ? [role.path]
        : [],
    ),
};
