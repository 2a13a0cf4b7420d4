import { IConstruct } from 'constructs';
import { DefaultTokenResolver, StringConcat, TerraformResource, TerraformStack, Tokenization } from 'cdktf';
import { AwsOidcTrust } from '../aws-oidc-trust';
import { OrganizationStackSet } from '../organization-stack-set';
import { unknownAcknowledgements, type KeyInsightConfig, type StackConfig } from '../config';
import { Level, ReviewedResource, ReviewedStack, ReviewedTrust, isAcknowledgeable } from './rule';
import { ACKNOWLEDGEABLE_IDS, RULES } from './rules';
import { stackSetTemplateResources } from './stack-set-template';

export interface Finding {
  readonly id: string;
  readonly level: Level;
  readonly environment: string;
  readonly cause: string;
  readonly fix: string;
  /** Where the rule is broken, across the environment's stacks. */
  readonly where: readonly string[];
  /** The stack the finding is reported on: the environment's own. */
  readonly stack: TerraformStack;
}

/** A stack the review knows which environment it belongs to. */
export interface EnvironmentStack extends TerraformStack {
  readonly environment: StackConfig;
}

function isEnvironmentStack(construct: IConstruct): construct is EnvironmentStack {
  return construct instanceof TerraformStack && 'environment' in construct;
}

function reviewedStack(stack: EnvironmentStack, environments: readonly StackConfig[]): ReviewedStack {
  const resources: ReviewedResource[] = stack.node
    .findAll()
    .filter((construct): construct is TerraformResource => construct instanceof TerraformResource)
    .map((resource) => {
      const byType = (resource.toTerraform() as { resource: Record<string, Record<string, Record<string, unknown>>> })
        .resource[resource.terraformResourceType];
      const { '//': _metadata, ...attributes } = Object.values(byType)[0];
      const type = resource.terraformResourceType;
      const arn = type === 'aws_iam_openid_connect_provider' ? { arn: `\${${type}.${resource.friendlyUniqueId}.arn}` } : {};
      return { type, path: resource.node.path, attributes, ...arn };
    });
  const templates = resources.filter((resource) => resource.type === 'aws_cloudformation_stack_set').flatMap(stackSetTemplateResources);
  const trusts: ReviewedTrust[] = stack.node.findAll().flatMap((construct): ReviewedTrust[] => {
    if (construct instanceof AwsOidcTrust) {
      return [{ rolePath: construct.role.node.path, providerPath: construct.oidcProvider.node.path, ...construct.trustConditions }];
    }
    if (construct instanceof OrganizationStackSet) {
      return [{ rolePath: construct.memberRoleReviewPath, providerPath: construct.memberProviderReviewPath, ...construct.trustConditions }];
    }
    return [];
  });
  const resolver = new DefaultTokenResolver(new StringConcat());
  const resolve = (value: string): string => Tokenization.resolve(value, { scope: stack, resolver });
  return { name: stack.node.id, environment: stack.environment, environments, resources: [...resources, ...templates], trusts, resolve };
}

/**
 * Reviews every stack of the app as it will be written, overrides included. Findings are grouped per
 * environment and rule, so a warning shared by many account stacks is reported once; warnings the
 * environment acknowledges are left out.
 */
export function reviewApp(scope: IConstruct): Finding[] {
  const stacks = scope.node.children.filter(isEnvironmentStack);
  const byName = new Map(stacks.map((stack) => [stack.node.id, stack]));
  const environments = [...new Set(stacks.map((stack) => stack.environment))];
  const grouped = new Map<string, Finding>();
  for (const stack of stacks) {
    const reviewed = reviewedStack(stack, environments);
    const environmentStack = byName.get(stack.environment.name) ?? stack;
    const acknowledged = new Set((stack.environment.acknowledge ?? []).map((ack) => ack.id));
    for (const rule of RULES) {
      if (isAcknowledgeable(rule) && acknowledged.has(rule.id)) continue;
      const where = rule.check(reviewed);
      if (where.length === 0) continue;
      const key = `${stack.environment.name}\u0000${rule.id}`;
      const earlier = grouped.get(key);
      grouped.set(key, {
        id: rule.id,
        level: rule.level,
        environment: stack.environment.name,
        cause: rule.cause,
        fix: rule.fix,
        where: [...(earlier?.where ?? []), ...where],
        stack: environmentStack,
      });
    }
  }
  return [...grouped.values()];
}

const SHOWN_PLACES = 3;

export function formatFinding(finding: Finding): string {
  const places =
    finding.where.length > SHOWN_PLACES
      ? `${finding.where.slice(0, SHOWN_PLACES).join('; ')}; and ${finding.where.length - SHOWN_PLACES} more`
      : finding.where.join('; ');
  return `[${finding.id}] ${finding.environment}: ${finding.cause} (${places}). Fix: ${finding.fix}.`;
}

/**
 * What is wrong with the configuration's acknowledgements, one line per problem: an ID that is not one
 * of the review's warnings or acknowledgeable errors. The configuration's schema checks only the
 * shape of an ID; the review is what knows its rules.
 */
export function acknowledgementProblems(config: KeyInsightConfig): string[] {
  return unknownAcknowledgements(config, ACKNOWLEDGEABLE_IDS);
}
