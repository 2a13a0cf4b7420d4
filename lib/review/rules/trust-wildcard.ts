import { Rule, resourcesOfType, statementsOf } from '../rule';

/** A wildcard in the audience or subject widens the trust to tokens nobody meant to trust. */
export const trustWildcard: Rule = {
  id: 'KI-TRUST-WILDCARD',
  level: 'error',
  cause: 'the role trust has a wildcard (* or ?) or a StringLike test in its :aud or :sub condition',
  fix: 'use an audience and client ID without * or ?, compared with StringEquals',
  check: (stack) =>
    resourcesOfType(stack, 'aws_iam_role').flatMap((role) => {
      const wild = statementsOf(role.attributes.assume_role_policy).some((statement) =>
        Object.entries(statement.Condition ?? {}).some(([test, conditions]) =>
          Object.entries(conditions ?? {}).some(([key, value]) => {
            if (!/:(aud|sub)$/.test(key)) return false;
            const values = Array.isArray(value) ? value : [value];
            return !test.startsWith('StringEquals') || /[*?]/.test(key) || values.some((v) => /[*?]/.test(String(v)));
          }),
        ),
      );
      return wild ? [role.path] : [];
    }),
};
