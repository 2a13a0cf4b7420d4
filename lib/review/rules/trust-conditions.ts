import { ASSUME_ROLE_ACTION } from '../../aws-facts';
import { preview } from '../../preview';
import { Rule, ReviewedTrust, Statement, asList, resourcesOfType, statementsOf } from '../rule';

/**
 * Without both conditions, any token of the issuer (any audience, any client) could assume the role;
 * with another value or another issuer in them, Key Insight's tokens could not. The written policy
 * (overrides included) is held to the configured audience and to the issuer and client ID the trust
 * was built from.
 */
export const trustConditions: Rule = {
  id: 'KI-TRUST-CONDITIONS',
  level: 'error',
  cause:
    'the role trust does not require, with StringEquals, <issuer host/path>:aud = the configured audience and <issuer host/path>:sub = the app\'s client ID',
  fix: 'let AwsOidcTrust write the trust policy; do not override assume_role_policy',
  check: (stack) =>
    resourcesOfType(stack, 'aws_iam_role').flatMap((role) => {
      const trust = stack.trusts.find((candidate) => candidate.rolePath === role.path);
      if (trust === undefined) return [`${role.path} (not written by AwsOidcTrust)`];
      const audience = stack.environment.okta.authorizationServer.audience;
      const allows = statementsOf(role.attributes.assume_role_policy).filter(
        (statement) => statement.Effect === 'Allow' && asList(statement.Action).includes(ASSUME_ROLE_ACTION),
      );
      if (allows.length === 0) return [`${role.path} (no statement allows ${ASSUME_ROLE_ACTION})`];
      return allows.flatMap((statement) => {
        const problems = conditionProblems(statement, trust, audience);
        return problems.length > 0 ? [`${role.path} (${problems.join('; ')})`] : [];
      });
    }),
};

/** What is wrong with one statement's StringEquals conditions; empty when they are exactly right. */
function conditionProblems(statement: Statement, trust: ReviewedTrust, audience: string): string[] {
  const conditions = statement.Condition?.StringEquals ?? {};
  const expected: Record<string, string> = { [`${trust.keyPrefix}:aud`]: audience, [`${trust.keyPrefix}:sub`]: trust.clientId };
  const problems = Object.entries(expected)
    .filter(([key, value]) => conditions[key] !== value)
    .map(([key, value]) => `${shortKey(key, trust)} is ${key in conditions ? preview(conditions[key]) : 'missing'}, expected ${preview(value)}`);
  const strangers = Object.keys(conditions).filter((key) => /:(aud|sub)$/.test(key) && !(key in expected));
  return [...problems, ...strangers.map((key) => `${preview(key)} does not name the issuer`)];
}

/** `<issuer>:aud` rather than an unreadable token string, when the issuer is known only after apply. */
function shortKey(key: string, trust: ReviewedTrust): string {
  return key.startsWith(trust.keyPrefix) ? `<issuer host/path>${key.slice(trust.keyPrefix.length)}` : key;
}
