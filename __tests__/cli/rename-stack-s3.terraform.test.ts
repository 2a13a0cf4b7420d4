/**
 * Renaming an environment with real Terraform: the AWS half (the account stack) of environment
 * "ki-old" is brought to a deployed state, the environment is renamed to "ki-new" in the
 * configuration, `key-insight rename-stack ki-old ki-new` moves the states, and `terraform plan` of
 * the renamed account stack against the moved states changes nothing. Here with the s3 backend, against a
 * loopback STAND-IN of Amazon S3 (helpers/s3-stand-in.ts); rename-stack-local.terraform.test.ts does the
 * same with the local backend.
 *
 * What cannot be reached here is supplied by the test, and only that: the environment stack's state
 * (its Okta resources need the Okta provider, which this machine lacks) is written as a deployed Okta
 * stack leaves it, with its outputs, since the account stack reads them; the AWS provider is told not
 * to call AWS (no account check, fake credentials), so plans run with -refresh=false; and the account
 * stack's deployed state is what Terraform plans for it, with the values only AWS would assign (ARNs,
 * IDs) filled in and planned again until the plan is empty.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startS3StandIn } from '../helpers/s3-stand-in';
import { synthConfig } from '../helpers/synth';
import { OFFLINE_AWS_ENV, removeTerraformFolders, requireTerraform, terraformFolder } from '../helpers/terraform';
import { removeTempDirs, runCli } from './helpers/run-cli';
import { ACCOUNT, BUCKET, S3_BACKEND, UNCHANGED, actionsOf, deployOldAccountStack, environment, environmentState, offline, savedPlan, withoutSuffix } from './helpers/rename-stack-scenario';

// Each Terraform command loads hashicorp/aws (seconds of CPU); a test runs about ten of them.
jest.setTimeout(600_000);

beforeAll(requireTerraform);
afterAll(() => {
  removeTerraformFolders();
  removeTempDirs();
});

describe('rename-stack, then terraform plan of the renamed account stack', () => {
  it('changes nothing with the s3 backend (against a loopback stand-in of S3), and leaves no lock behind', async () => {
    const s3 = await startS3StandIn(BUCKET);
    try {
      // GIVEN environment ki-old deployed with its state in S3
      s3.objects.set('key-insight/ki-old.tfstate', Buffer.from(environmentState()));
      const old = terraformFolder(offline(synthConfig(environment('ki-old', S3_BACKEND))[`ki-old-${ACCOUNT}`]!, s3), `ki-old-${ACCOUNT}`);
      await deployOldAccountStack(old, (text) => s3.objects.set(`key-insight/ki-old-${ACCOUNT}.tfstate`, Buffer.from(text)));
      expect(s3.requests).toContain(`PUT key-insight/ki-old-${ACCOUNT}.tfstate.tflock`);

      // WHEN the environment is renamed in the configuration and rename-stack runs with the S3 endpoint of the stand-in
      writeFileSync(join(old.root, 'key-insight.config.json'), JSON.stringify(environment('ki-new', S3_BACKEND)));
      const run = await runCli(['rename-stack', 'ki-old', 'ki-new'], { cwd: old.root, env: { ...OFFLINE_AWS_ENV, AWS_ENDPOINT_URL_S3: s3.endpoint } });

      // THEN both objects moved, none is left under the old keys or locked, and the renamed stack's plan changes nothing
      expect([run.exitCode, run.stderr]).toEqual([0, '']);
      expect(run.stdout).toContain(
        `moved s3://${BUCKET}/key-insight/ki-old.tfstate to s3://${BUCKET}/key-insight/ki-new.tfstate (copied, compared, deleted)\n` +
          `moved s3://${BUCKET}/key-insight/ki-old-${ACCOUNT}.tfstate to s3://${BUCKET}/key-insight/ki-new-${ACCOUNT}.tfstate (copied, compared, deleted)\n`,
      );
      expect([...s3.objects.keys()].sort()).toEqual([`key-insight/ki-new-${ACCOUNT}.tfstate`, 'key-insight/ki-new.tfstate']);
      const renamed = terraformFolder(offline(synthConfig(environment('ki-new', S3_BACKEND))[`ki-new-${ACCOUNT}`]!, s3), `ki-new-${ACCOUNT}`, old.root);
      await renamed.run(['init', '-input=false']);
      expect(actionsOf(await savedPlan(renamed)).map(withoutSuffix)).toEqual(UNCHANGED);
    } finally {
      await s3.stop();
    }
  });
});
