import { Rule, resourcesOfType } from '../rule';

/** Without automatic deployment, an account that joins the organization later has no scanning role until someone redeploys. */
export const organizationAutoDeploy: Rule = {
  id: 'KI-ORG-NO-AUTO-DEPLOY',
  level: 'warning',
  cause: 'the StackSet does not deploy to accounts that join its organizational units later, so Key Insight cannot scan them',
  fix: 'set stacks[].aws.organization.autoDeployment to true',
  check: (stack) =>
    resourcesOfType(stack, 'aws_cloudformation_stack_set').flatMap((stackSet) => {
      const autoDeployment = stackSet.attributes.auto_deployment as { enabled?: unknown } | undefined;
      return autoDeployment?.enabled === true ? [] : [stackSet.path];
    }),
};
