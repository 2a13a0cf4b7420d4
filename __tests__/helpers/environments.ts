import { minimalStack } from './config';

/** A local-state preview environment, an S3-state production environment over three accounts, and an HCP Terraform one. */
export function threeEnvironments(): any {
  return {
    stacks: [
      minimalStack({ name: 'ki-preview' }),
      minimalStack({
        name: 'ki-prod',
        aws: {
          region: 'eu-west-1',
          accounts: [
            { accountId: '111111111111' },
            { accountId: '222222222222', region: 'us-east-2', assumeRoleArn: 'arn:aws:iam::222222222222:role/deploy' },
            { accountId: '333333333333' },
          ],
        },
        backend: { type: 's3', bucket: 'acme-tf-state', keyPrefix: 'key-insight', region: 'eu-west-1' },
      }),
      minimalStack({
        name: 'ki-hcp',
        aws: { region: 'eu-west-1', accounts: [{ accountId: '444444444444' }] },
        backend: { type: 'cloud', organization: 'acme', workspacePrefix: 'ki-', project: 'Security' },
      }),
    ],
  };
}
