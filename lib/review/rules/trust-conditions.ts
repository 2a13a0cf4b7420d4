import { ASSUME_ROLE_ACTION } from '../../aws-facts';
import { Rule, asList, resourcesOfType, statementsOf } from '../rule';

/** Without both conditions, any token of the issuer (any audience, any client) could assume the role. */
export const trustConditions: Rule = {
  id: 'KI-TRUST-CONDITIONS',
  level: 'error',
  cause: 'the role trust does not require both the :aud and the :sub condition with StringEquals',
  fix: 'let AwsOidcTrust write the trust policy; do not override assume_role_policy',
  check: (stack) =>
    resourcesOfType(stack, 'aws_iam_role').flatMap((role) => {
      const allows = statementsOf(role.attributes.assume_role_policy).filter((statement) => statement.Effect === 'Allow');
      const unconditioned = allows.filter((statement) => {
        if (!asList(statement.Action).includes(ASSUME_ROLE_ACTION)) return false;
        const keys = Object.keys(statement.Condition?.StringEquals ?? {});
        return !keys.some((key) => key.endsWith(':aud')) || !keys.some((key) => key.endsWith(':sub'));
      });
      return allows.length === 0 || unconditioned.length > 0 ? [role.path] : [];
    }),
};
