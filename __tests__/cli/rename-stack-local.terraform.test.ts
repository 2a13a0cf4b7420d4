/**
 * Renaming an environment with real Terraform: the AWS half (the account stack) of environment
 * "ki-old" is brought to a deployed state, the environment is renamed to "ki-new" in the
 * configuration, `key-insight rename-stack ki-old ki-new` moves the states, and `terraform plan` of
 * the renamed account stack against the moved states changes nothing. Here with the local backend;
 * rename-stack-s3.terraform.test.ts does the same with the s3 backend.
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
import { synthConfig } from '../helpers/synth';
import { removeTerraformFolders, requireTerraform, terraformFolder } from '../helpers/terraform';
import { removeTempDirs, runCli } from './helpers/run-cli';
import { ACCOUNT, UNCHANGED, actionsOf, deployOldAccountStack, environment, environmentState, offline, savedPlan, withoutSuffix } from './helpers/rename-stack-scenario';

// Each Terraform command loads hashicorp/aws (seconds of CPU); a test runs about ten of them.
jest.setTimeout(600_000);

beforeAll(requireTerraform);
afterAll(() => {
  removeTerraformFolders();
  removeTempDirs();
});

describe('rename-stack, then terraform plan of the renamed account stack', () => {
  it('changes nothing with the local backend', async () => {
    // GIVEN environment ki-old deployed with local state
    const old = terraformFolder(offline(synthConfig(environment('ki-old'))[`ki-old-${ACCOUNT}`]!), `ki-old-${ACCOUNT}`);
    writeFileSync(join(old.root, 'terraform.ki-old.tfstate'), environmentState());
    await deployOldAccountStack(old, (text) => writeFileSync(join(old.root, `terraform.ki-old-${ACCOUNT}.tfstate`), text));

    // WHEN the environment is renamed in the configuration and rename-stack runs
    writeFileSync(join(old.root, 'key-insight.config.json'), JSON.stringify(environment('ki-new')));
    const run = await runCli(['rename-stack', 'ki-old', 'ki-new'], { cwd: old.root });

    // THEN both states moved, and the renamed stack's plan changes nothing
    expect([run.exitCode, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain(`moved terraform.ki-old.tfstate to terraform.ki-new.tfstate\nmoved terraform.ki-old-${ACCOUNT}.tfstate to terraform.ki-new-${ACCOUNT}.tfstate\n`);
    const renamed = terraformFolder(offline(synthConfig(environment('ki-new'))[`ki-new-${ACCOUNT}`]!), `ki-new-${ACCOUNT}`, old.root);
    await renamed.run(['init', '-input=false']);
    expect(actionsOf(await savedPlan(renamed)).map(withoutSuffix)).toEqual(UNCHANGED);
  });

});
