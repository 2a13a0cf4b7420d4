import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformBackend, TerraformStack } from 'cdktf';
import type { StackConfig } from './config';

export type BackendConfig = StackConfig['backend'];

/**
 * Where a stack's state is written, relative to the folder Terraform runs in
 * (`cdktf.out/stacks/<stack>`): the project root, outside cdktf.out, which cdktf prunes and people
 * delete. A relative path keeps cdktf.out usable on another machine, and since every stack folder is
 * at the same depth, the same path also finds a stack's state from another stack.
 */
export function localStatePath(stackName: string): string {
  return `../../../terraform.${stackName}.tfstate`;
}

/** The object key of a stack's state in an environment's S3 bucket. */
export function s3StateKey(keyPrefix: string, stackName: string): string {
  return `${keyPrefix}/${stackName}.tfstate`;
}

/** The HCP Terraform workspace that holds a stack's state. */
export function cloudWorkspaceName(workspacePrefix: string, stackName: string): string {
  return `${workspacePrefix}${stackName}`;
}

/**
 * Gives a stack the backend its environment is configured with. Other stacks read this stack's
 * outputs through the returned backend's `getRemoteStateDataSource`, which has the same settings.
 */
export function configureBackend(stack: TerraformStack, stackName: string, backend: BackendConfig): TerraformBackend {
  switch (backend.type) {
    case 'local':
      return new LocalBackend(stack, { path: localStatePath(stackName) });
    case 's3': {
      const s3 = new S3Backend(stack, {
        bucket: backend.bucket,
        key: s3StateKey(backend.keyPrefix, stackName),
        region: backend.region,
        encrypt: true,
        kmsKeyId: backend.kmsKeyId,
        dynamodbTable: backend.dynamodbTable,
      });
      // cdktf 0.21's S3Backend has no field for S3 native locking (Terraform 1.10+).
      stack.addOverride('terraform.backend.s3.use_lockfile', true);
      return s3;
    }
    case 'cloud':
      return new CloudBackend(stack, {
        organization: backend.organization,
        hostname: backend.hostname,
        workspaces: new NamedCloudWorkspace(cloudWorkspaceName(backend.workspacePrefix, stackName), backend.project),
      });
  }
}
