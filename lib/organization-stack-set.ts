import { Construct } from 'constructs';
import { CloudformationStackSet } from '@cdktf/provider-aws/lib/cloudformation-stack-set';
import { CloudformationStackSetInstance } from '@cdktf/provider-aws/lib/cloudformation-stack-set-instance';
import { TrustConditions, stripScheme } from './aws-oidc-trust';
import { stackSetName } from './stack-names';
import { MEMBER_TEMPLATE_PARAMETERS, MEMBER_TEMPLATE_RESOURCES, MemberAccountTemplateProps, memberAccountTemplate } from './member-account-template';

/** Who runs the StackSet's operations (CloudFormation: CallAs). */
export type CallAs = 'SELF' | 'DELEGATED_ADMIN';

export interface OrganizationStackSetProps extends MemberAccountTemplateProps {
  /** The environment's name; the StackSet is named after it. */
  readonly environmentName: string;
  /** The authorization server's issuer (`https://...`); may be a token known after apply. */
  readonly issuerUrl: string;
  readonly audience: string;
  readonly clientId: string;
  /** Organizational unit IDs or a root ID; the StackSet deploys to every account in them. */
  readonly organizationalUnitIds: readonly string[];
  /** Deploy to accounts that join the units later, and remove the stack from accounts that leave. */
  readonly autoDeployment: boolean;
  readonly callAs: CallAs;
  /** 1 to 100. */
  readonly maxConcurrentPercentage: number;
  /** 0 to 100. */
  readonly failureTolerancePercentage: number;
  /** The one region the stack instances live in (IAM is global). */
  readonly region: string;
  /** @default - no tags; CloudFormation copies the StackSet's tags to the resources it creates */
  readonly tags?: Readonly<Record<string, string>>;
}

export { stackSetName };

/**
 * Text Terraform would read as an interpolation or a directive: in `cdk.tf.json` a literal `${` is
 * written `$${` and a literal `%{` is written `%%{`.
 */
export function escapeTerraformTemplate(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * The member-account half of an organization environment: a service-managed CloudFormation StackSet
 * whose template (`member-account-template.ts`) creates the OIDC provider, the role and the scanning
 * policy in every account of the organizational units, and its deployment to those units in one region.
 * Service-managed StackSets never deploy to the management account.
 */
export class OrganizationStackSet extends Construct {
  public readonly stackSet: CloudformationStackSet;
  public readonly instance: CloudformationStackSetInstance;
  /** The template as CloudFormation receives it. */
  public readonly templateBody: string;
  public readonly stackSetName: string;
  /** The role's name in every member account. */
  public readonly memberRoleName: string;
  /** What the member role's trust must require, for the review to hold the template's trust to. */
  public readonly trustConditions: TrustConditions;
  /** The review's path of the member role in the template (see lib/review/stack-set-template.ts). */
  public readonly memberRoleReviewPath: string;
  /** The review's path of the member accounts' OIDC provider in the template, which the member role must trust. */
  public readonly memberProviderReviewPath: string;

  constructor(scope: Construct, id: string, props: OrganizationStackSetProps) {
    super(scope, id);
    this.templateBody = JSON.stringify(memberAccountTemplate(props));
    this.stackSetName = stackSetName(props.environmentName);
    this.memberRoleName = props.roleName;
    const issuerHostPath = stripScheme(props.issuerUrl);
    this.trustConditions = { keyPrefix: issuerHostPath, audience: props.audience, clientId: props.clientId };
    const tags = props.tags && Object.keys(props.tags).length > 0 ? { ...props.tags } : undefined;
    const operationPreferences = {
      maxConcurrentPercentage: props.maxConcurrentPercentage,
      failureTolerancePercentage: props.failureTolerancePercentage,
    };

    this.stackSet = new CloudformationStackSet(this, 'StackSet', {
      name: this.stackSetName,
      description: 'Fortanix Key Insight: the OIDC identity provider and the read-only scanning role in every member account',
      permissionModel: 'SERVICE_MANAGED',
      // CloudFormation takes RetainStacksOnAccountRemoval only with automatic deployment enabled.
      autoDeployment: props.autoDeployment ? { enabled: true, retainStacksOnAccountRemoval: false } : { enabled: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      callAs: props.callAs,
      operationPreferences,
      parameters: {
        [MEMBER_TEMPLATE_PARAMETERS.issuerUrl]: props.issuerUrl,
        [MEMBER_TEMPLATE_PARAMETERS.issuerHostPath]: issuerHostPath,
        [MEMBER_TEMPLATE_PARAMETERS.audience]: props.audience,
        [MEMBER_TEMPLATE_PARAMETERS.clientId]: props.clientId,
      },
      templateBody: escapeTerraformTemplate(this.templateBody),
      tags,
      // hashicorp/aws up to 5.x stores the service-linked role AWS reports for SERVICE_MANAGED
      // StackSets as administration_role_arn, which conflicts with auto_deployment and shows as a
      // change on every plan (terraform-provider-aws issue 23464, fixed after 5.100.0).
      lifecycle: { ignoreChanges: ['administration_role_arn'] },
    });

    this.memberRoleReviewPath = `${this.stackSet.node.path}/template/${MEMBER_TEMPLATE_RESOURCES.role}`;
    this.memberProviderReviewPath = `${this.stackSet.node.path}/template/${MEMBER_TEMPLATE_RESOURCES.oidcProvider}`;

    this.instance = new CloudformationStackSetInstance(this, 'Deployment', {
      stackSetName: this.stackSet.name,
      callAs: props.callAs,
      region: props.region,
      deploymentTargets: { organizationalUnitIds: [...props.organizationalUnitIds] },
      operationPreferences,
    });
  }
}
