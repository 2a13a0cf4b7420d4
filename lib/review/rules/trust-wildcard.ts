import { Rule, resourcesOfType, statementsOf } from '../rule';

/**
 * The one condition operator that holds :aud and :sub to one value exactly. Every other widens the
 * trust: StringLike and wildcards match other values, StringEqualsIgnoreCase other spellings, an
 * ...IfExists test and ForAllValues: pass when the key is missing, ForAnyValue: passes when one of
 * several values matches, a Not... operator passes every other value. Operator names are compared as
 * written, so a differently spelt StringEquals is refused too.
 */
const EXACT_OPERATOR = 'StringEquals';

/** A wildcard in the audience or subject, or a test looser than StringEquals, widens the trust to tokens nobody meant to trust. */
export const trustWildcard: Rule = {
  id: 'KI-TRUST-WILDCARD',
  level: 'error',
  cause:
    'the role trust has a wildcard (* or ?) in its :aud or :sub condition, or tests one with another operator than StringEquals (StringLike, StringEqualsIgnoreCase, ...IfExists, ForAnyValue:, ForAllValues:)',
  fix: 'use an audience and client ID without * or ?, compared with StringEquals',
  check: (stack) =>
    resourcesOfType(stack, 'aws_iam_role').flatMap((role) => {
      const wild = statementsOf(role.attributes.assume_role_policy).some((statement) =>
        Object.entries(statement.Condition ?? {}).some(([operator, conditions]) =>
          Object.entries(conditions ?? {}).some(([key, value]) => {
            if (!/:(aud|sub)$/.test(key)) return false;
            const values = Array.isArray(value) ? value : [value];
            return operator !== EXACT_OPERATOR || /[*?]/.test(key) || values.some((v) => /[*?]/.test(String(v)));
          }),
        ),
      );
      return wild ? [role.path] : [];
    }),
};
