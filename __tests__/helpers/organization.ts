import { minimalStack, withValue } from './config';

export const ORGANIZATIONAL_UNIT = 'ou-ab12-cd34ef56';
export const ROOT = 'r-ab12';

/** A one-stack configuration that onboards an organization: two target units, everything else the defaults. */
export function organizationStack(organization: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}): any {
  return withValue(minimalStack(overrides), 'aws.organization', {
    organizationalUnitIds: [ORGANIZATIONAL_UNIT, 'ou-ab12-99887766'],
    ...organization,
  });
}

/** The template body as CloudFormation receives it: cdk.tf.json writes a literal ${ as $${. */
export function templateOf(templateBody: string): any {
  return JSON.parse(templateBody.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{'));
}
