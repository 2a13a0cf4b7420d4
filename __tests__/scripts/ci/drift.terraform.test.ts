/**
 * The drift check (`npx key-insight-ci drift`, the drift workflow's step) on stacks the real synth
 * wrote, planned by real Terraform with hashicorp/aws 5.100.0 from this machine's mirror, offline.
 *
 * What cannot be reached here is supplied by the test, and only that: an override file beside each
 * account stack tells the AWS provider not to call AWS (Terraform merges `*_override.tf.json` into the
 * stack; cdk.tf.json is left as the synth wrote it), and the plan does not refresh
 * (TF_CLI_ARGS_plan=-refresh=false: a refresh reads AWS). So the states stand for what a refresh
 * would have found: the active account's state is empty, as after its role, policy and OIDC provider
 * were deleted outside Terraform; the retired account's state is empty too, which is what its stack
 * declares.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configWith, minimalStack } from '../../helpers/config';
import { OFFLINE_AWS_ENV, OFFLINE_AWS_PROVIDER, PROVIDER_MIRROR, requireTerraform } from '../../helpers/terraform';
import { jobOf, projectWith, readWorkflow, removeProjects, runStep, stepOf, type StepRun } from '../../helpers/workflow';

const ACTIVE = 'ki-drift-666666666666';
const RETIRED = 'ki-drift-777777777777';
const CONFIG = configWith(minimalStack({ name: 'ki-drift', aws: { region: 'eu-west-1', accounts: [{ accountId: '666666666666' }, { accountId: '777777777777', retired: true }] } }));

const { workflow } = readWorkflow('key-insight-drift.yml');
const job = jobOf(workflow, 'drift');

/** An empty state, as Terraform writes it. */
const emptyState = (lineage: string) => JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage, outputs: {}, resources: [] });

/** The environment stack's state as its deploy leaves it: the outputs its account stacks read. */
const environmentState = () =>
  JSON.stringify({
    version: 4,
    terraform_version: '1.11.4',
    serial: 1,
    lineage: 'ki-drift',
    outputs: {
      issuer: { value: 'https://acme.okta.com/oauth2/aus9z8y7x6', type: 'string' },
      client_id: { value: '0oa9z8y7x6w5v4u3t2s1', type: 'string' },
    },
    resources: [],
  });

let run: StepRun;

beforeAll(async () => {
  requireTerraform();
  const project = projectWith(CONFIG);
  const synth = await runStep(stepOf(job, 'Synthesize'), project, workflow.env);
  expect(synth.status).toBe(0);
  for (const stack of [ACTIVE, RETIRED]) {
    writeFileSync(join(project, 'cdktf.out', 'stacks', stack, 'offline_override.tf.json'), JSON.stringify({ provider: { aws: [{ region: 'eu-west-1', allowed_account_ids: null, ...OFFLINE_AWS_PROVIDER }] } }));
    writeFileSync(join(project, `terraform.${stack}.tfstate`), emptyState(stack));
  }
  writeFileSync(join(project, 'terraform.ki-drift.tfstate'), environmentState());
  const cliConfig = join(project, 'terraform.tfrc');
  writeFileSync(
    cliConfig,
    `provider_installation {\n  filesystem_mirror {\n    path    = "${PROVIDER_MIRROR}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`,
  );
  run = await runStep(stepOf(job, 'Plan every deployed stack and report drift'), project, {
    ...workflow.env,
    ...OFFLINE_AWS_ENV,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_CLI_ARGS_plan: '-refresh=false',
    // The environment stack needs the Okta provider, which this machine does not have.
    STACKS: 'ki-drift-*',
  });
}, 600_000);

afterAll(removeProjects);

it('fails naming the stack and each resource that differs from what is deployed', () => {
  expect(run.status).toBe(1);
  const errors = run.stdout.split('\n').filter((line) => line.startsWith('::error::'));
  expect(errors.sort()).toEqual(
    ['aws_iam_openid_connect_provider', 'aws_iam_policy', 'aws_iam_role', 'aws_iam_role_policy_attachment'].map((type) =>
      expect.stringMatching(new RegExp(`^::error::${ACTIVE}: ${type}\\.\\w+ differs from the configuration: the next deploy would create it$`)),
    ),
  );
});

it('reports a stack whose plan has no changes as such', () => {
  expect(run.stdout).toContain(`${RETIRED}: no changes\n`);
});

it('leaves out the secret stack, saying why', () => {
  expect(run.stdout).toContain('::notice::not checked: ki-drift-secret: it holds the client secret, which the plan role and token may not read\n');
});

it('ends with a summary naming the stacks with drift', () => {
  expect(run.stdout).toContain(`Checked 2 stacks: drift in ${ACTIVE}.\n`);
});
