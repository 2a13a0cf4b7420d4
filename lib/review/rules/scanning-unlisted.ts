import { Rule } from '../rule';
import { rolePolicyDocuments, sortedActions } from '../role-policies';

/**
 * Read-only by AWS's access level is not the same as metadata: the data-reading list is curated and
 * cannot be complete. So read-only means the project's own scanning actions (lib/scanning-policy.ts),
 * and any other read action is named, for a person to judge.
 */
export const scanningUnlisted: Rule = {
  id: 'KI-SCAN-UNLISTED',
  level: 'warning',
  cause: "a policy of the role allows a List or Read action that is not one of the project's scanning actions (lib/scanning-policy.ts)",
  fix: 'remove the action, or acknowledge KI-SCAN-UNLISTED with what Key Insight reads with it and why that is no data',
  check: (stack) =>
    rolePolicyDocuments(stack).flatMap(({ path, document }) => {
      const unlisted = sortedActions(document).unlisted;
      return unlisted.length > 0 ? [`${path} (${unlisted.join(', ')})`] : [];
    }),
};
