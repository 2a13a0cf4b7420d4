/**
 * The review's view inside a CloudFormation StackSet: the IAM resources of its template, read as the
 * Terraform resources they stand for, so that the trust, read-only, audience and session rules check
 * the member accounts' role as they check the management account's. The StackSet's parameters are
 * put in where the template names them, as CloudFormation will.
 */
import type { ReviewedResource } from './rule';

/** The Terraform resource type each reviewed CloudFormation type is read as. */
const REVIEWED_AS = {
  role: 'aws_iam_role',
  policy: 'aws_iam_policy',
  rolePolicy: 'aws_iam_role_policy',
  oidcProvider: 'aws_iam_openid_connect_provider',
  attachment: 'aws_iam_role_policy_attachment',
} as const;

type Parameters = Readonly<Record<string, unknown>>;

/** The template body as CloudFormation receives it: cdk.tf.json writes a literal ${ as $${ and %{ as %%{. */
function templateOf(body: unknown): Record<string, any> | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const parsed = JSON.parse(body.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{'));
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** `${Name}` replaced by the parameter's value; other names (resources) are left as written. */
function substitute(text: string, parameters: Parameters): string {
  return text.replace(/\$\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(parameters, name) ? String(parameters[name]) : whole,
  );
}

/** A value with Ref and Fn::Sub of parameters resolved; other functions are kept as written. */
function resolve(value: unknown, parameters: Parameters): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(item, parameters));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [[name, argument]] = entries;
    if (name === 'Ref' && typeof argument === 'string') {
      return Object.prototype.hasOwnProperty.call(parameters, argument) ? parameters[argument] : `\${${argument}}`;
    }
    if (name === 'Fn::Sub' && typeof argument === 'string') return substitute(argument, parameters);
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolve(item, parameters)]));
}

/** A policy document as the Terraform attribute holds it: a JSON string. */
function documentText(document: unknown): unknown {
  return typeof document === 'string' ? document : JSON.stringify(document);
}

/** The IAM resources of a StackSet's template, as reviewed resources under `<StackSet path>/template/`. */
export function stackSetTemplateResources(stackSet: ReviewedResource): ReviewedResource[] {
  const template = templateOf(stackSet.attributes.template_body);
  const resources = template?.Resources;
  if (typeof resources !== 'object' || resources === null) return [];
  const parameters = (stackSet.attributes.parameters ?? {}) as Parameters;
  return Object.entries<any>(resources).flatMap(([logicalId, resource]): ReviewedResource[] => {
    const path = `${stackSet.path}/template/${logicalId}`;
    const properties = resolve(resource?.Properties ?? {}, parameters) as Record<string, any>;
    switch (resource?.Type) {
      case 'AWS::IAM::Role':
        return [
          {
            type: REVIEWED_AS.role,
            path,
            attributes: {
              name: properties.RoleName,
              assume_role_policy: documentText(properties.AssumeRolePolicyDocument),
              max_session_duration: properties.MaxSessionDuration,
            },
          },
          ...(Array.isArray(properties.Policies) ? properties.Policies : []).map((policy: any, index: number) => ({
            type: REVIEWED_AS.policy,
            path: `${path}/Policies[${index}]`,
            attributes: { policy: documentText(policy?.PolicyDocument) },
          })),
          ...(Array.isArray(properties.ManagedPolicyArns) ? properties.ManagedPolicyArns : []).map((policyArn: unknown, index: number) => ({
            type: REVIEWED_AS.attachment,
            path: `${path}/ManagedPolicyArns[${index}]`,
            attributes: { policy_arn: policyArn },
          })),
        ];
      case 'AWS::IAM::ManagedPolicy':
      case 'AWS::IAM::Policy':
        return [{ type: REVIEWED_AS.policy, path, attributes: { policy: documentText(properties.PolicyDocument) } }];
      case 'AWS::IAM::RolePolicy':
        return [{ type: REVIEWED_AS.rolePolicy, path, attributes: { policy: documentText(properties.PolicyDocument) } }];
      case 'AWS::IAM::OIDCProvider':
        return [{ type: REVIEWED_AS.oidcProvider, path, attributes: { client_id_list: properties.ClientIdList }, arn: `\${${logicalId}}` }];
      default:
        return [];
    }
  });
}
