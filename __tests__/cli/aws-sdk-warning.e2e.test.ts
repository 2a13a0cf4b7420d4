/**
 * The commands that make AWS SDK clients, run through bin/key-insight.cjs in a child process (the SDK's
 * Node-version notice is a process warning, which only a real process prints): stderr holds the
 * command's own lines and not the SDK's NodeVersionSupportWarning, which it prints on Node 20.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minimalStack } from '../helpers/config';
import { environmentOutputs } from './helpers/authorization-server';
import { dirWithOutputsFile, makeTempDir, removeTempDirs, runCliProcess } from './helpers/run-cli';

// Each run starts node and loads an AWS SDK client (a second or more of CPU on a busy machine).
jest.setTimeout(60_000);

afterAll(() => removeTempDirs());

/** Where nothing listens, so that every call fails at once. */
const NOWHERE = 'http://127.0.0.1:9';
const NO_AWS_CREDENTIALS = {
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_EC2_METADATA_DISABLED: 'true',
};
const CALLER = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'SENTINEL-secret-access-key', AWS_REGION: 'eu-west-1' };

function dirWithConfig(stack: unknown): string {
  const dir = makeTempDir();
  writeFileSync(join(dir, 'key-insight.config.json'), JSON.stringify({ stacks: [stack] }));
  return dir;
}

describe('key-insight without the AWS SDK\'s Node-version warning', () => {
  it('discover prints its two errors and nothing else on stderr', async () => {
    const run = await runCliProcess(['discover'], {
      cwd: dirWithConfig(minimalStack()),
      env: { OKTA_ORG_URL: NOWHERE, OKTA_API_TOKEN: 'SENTINEL-okta-api-token', ...NO_AWS_CREDENTIALS },
    });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(
      'key-insight: discover "ki-test": cannot list the apps labelled "Fortanix Key Insight" in Okta: cannot reach Okta at 127.0.0.1:9 (ECONNREFUSED)\n' +
        'key-insight: discover "ki-test": cannot read the IAM role ki-test-scanner in AWS: no AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as for the AWS CLI\n',
    );
  });

  it('outputs --accounts names the AWS Organizations endpoint it cannot reach in one sentence, and nothing else on stderr', async () => {
    const outputs = {
      'ki-org': {
        ...environmentOutputs('https://dev-123456.okta.com/oauth2/aus1a2b3c4d5e6f7g8'),
        aws_role_arn: 'arn:aws:iam::111111111111:role/ki-org-scanner',
        aws_stack_set_name: 'ki-org-key-insight',
        aws_member_role_name: 'ki-org-scanner',
        aws_organizational_unit_ids: ['ou-ab12-cd34ef56'],
      },
    };
    const run = await runCliProcess(['outputs', '--accounts'], { cwd: dirWithOutputsFile(outputs), env: { ...CALLER, AWS_ENDPOINT_URL_ORGANIZATIONS: NOWHERE } });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe("key-insight: could not list the organization's member accounts: cannot reach 127.0.0.1:9 (ECONNREFUSED)\n");
  });

  it('rename-stack names the S3 endpoint it cannot reach, and nothing else on stderr', async () => {
    const renamed = minimalStack({ name: 'ki-new', backend: { type: 's3', bucket: 'acme-state', keyPrefix: 'key-insight', region: 'eu-west-1' } });
    const run = await runCliProcess(['rename-stack', 'ki-old', 'ki-new'], { cwd: dirWithConfig(renamed), env: { ...CALLER, AWS_ENDPOINT_URL_S3: NOWHERE } });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe('key-insight: rename-stack: cannot list s3://acme-state/key-insight/ki-old*: cannot reach 127.0.0.1:9 (ECONNREFUSED)\n');
  });
});
