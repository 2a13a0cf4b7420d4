import { Rule, resourcesOfType } from '../rule';

const SESSION_LIMIT_SECONDS = 3600;

export const roleSession: Rule = {
  id: 'KI-ROLE-SESSION',
  level: 'warning',
  cause: 'the role allows sessions longer than one hour',
  fix: `set stacks[].aws.role.maxSessionDurationSeconds to ${SESSION_LIMIT_SECONDS}`,
  check: (stack) =>
    resourcesOfType(stack, 'aws_iam_role').flatMap((role) => {
      const seconds = role.attributes.max_session_duration;
      return typeof seconds === 'number' && seconds > SESSION_LIMIT_SECONDS ? [`${role.path} (${seconds} seconds)`] : [];
    }),
};
