/**
 * One copy of the client secret, checked with real Terraform on local states.
 *
 * The environment stack's state and the secret stack's state are written by the test, as the two
 * synthesized stacks would leave them (there is no Okta provider here to deploy them): the environment
 * stack's holds a value for every output it declares (the sentinel secret for a client_secret output,
 * were there one), the secret stack's holds the sentinel in its okta_app_oauth data source and its
 * client_secret output. An account stack, synthesized by the project, then runs
 * `terraform apply -refresh-only`, which reads its data sources and writes its state without creating
 * anything in AWS.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configWith, minimalStack, withValue } from '../helpers/config';
import { synthConfig, TerraformJson } from '../helpers/synth';
import { OFFLINE_AWS_PROVIDER, requireTerraform, TerraformRun, terraformFolder } from '../helpers/terraform';

const SENTINEL = 'SENTINEL-client-secret-5f2c9e';
const ISSUER = 'https://acme.okta.com/oauth2/aus9z8y7x6';
const CLIENT_ID = '0oa9z8y7x6w5v4u3t2s1';
const ACCOUNT = 'ki-prod-111111111111';

const stacks = synthConfig(configWith(withValue(minimalStack({ name: 'ki-prod' }), 'aws.accounts', [{ accountId: '111111111111' }])));
let folder: TerraformRun;

function state(lineage: string, outputs: Record<string, unknown>, resources: unknown[] = []): string {
  return JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage, outputs, resources });
}

/**
 * The environment stack's state, as its deploy would leave it: a value for every output the synthesized
 * stack declares. A client_secret output, if the stack declared one, would hold the secret: the sentinel.
 */
function environmentState(environment: TerraformJson): string {
  const values: Record<string, string> = { issuer: ISSUER, client_id: CLIENT_ID, client_secret: SENTINEL };
  const outputs = Object.fromEntries(
    Object.keys(environment.output!).map((name) => [
      name,
      { value: values[name] ?? `placeholder ${name}`, type: 'string', ...(environment.output![name].sensitive ? { sensitive: true } : {}) },
    ]),
  );
  return state('test-environment', outputs);
}

/** The secret stack's state: what its okta_app_oauth data source read, and its sensitive output. */
function secretState(): string {
  const dataSource = {
    mode: 'data',
    type: 'okta_app_oauth',
    name: 'AppSecret',
    provider: 'provider["registry.terraform.io/okta/okta"]',
    instances: [{ schema_version: 0, attributes: { id: CLIENT_ID, client_id: CLIENT_ID, client_secret: SENTINEL } }],
  };
  return state('test-secret', { client_secret: { value: SENTINEL, type: 'string', sensitive: true } }, [dataSource]);
}

/**
 * The account stack with a provider that never calls AWS (the account check needs STS), and without
 * its outputs: they name resources a refresh-only apply does not create, and Terraform refuses to apply
 * a refresh-only plan whose outputs are unknown.
 */
function offline(stack: TerraformJson): TerraformJson {
  const { output: _outputs, ...rest } = stack;
  const [{ region }] = stack.provider!.aws;
  return { ...rest, provider: { aws: [{ region, ...OFFLINE_AWS_PROVIDER }] } };
}

it('is given an environment stack that declares no client secret, in outputs or data sources', () => {
  expect(Object.keys(stacks['ki-prod'].output!)).not.toContain('client_secret');
  expect(stacks['ki-prod'].data).toBeUndefined();
});

const refresh = () => folder.run(['apply', '-refresh-only', '-auto-approve', '-input=false']);

beforeAll(async () => {
  requireTerraform();
  folder = terraformFolder(offline(stacks[ACCOUNT]), ACCOUNT);
  writeFileSync(join(folder.root, 'terraform.ki-prod.tfstate'), environmentState(stacks['ki-prod']));
  writeFileSync(join(folder.root, 'terraform.ki-prod-secret.tfstate'), secretState());
  await folder.run(['init', '-input=false']);
  await refresh();
}, 120_000);

const stateFiles = () => readdirSync(folder.root).filter((name) => name.endsWith('.tfstate'));
const read = (name: string) => readFileSync(join(folder.root, name), 'utf8');

it("writes the account stack's state next to the other two, holding what it read from the environment stack", () => {
  expect(stateFiles().sort()).toEqual(['terraform.ki-prod-111111111111.tfstate', 'terraform.ki-prod-secret.tfstate', 'terraform.ki-prod.tfstate']);
  const accountState = JSON.parse(read(`terraform.${ACCOUNT}.tfstate`));
  const [remoteState] = accountState.resources.filter((resource: any) => resource.type === 'terraform_remote_state');
  expect(remoteState.instances[0].attributes.outputs.value).toMatchObject({ issuer: ISSUER, client_id: CLIENT_ID });
});

it('finds the sentinel secret in the secret stack state only', () => {
  expect(stateFiles().filter((name) => read(name).includes(SENTINEL))).toEqual(['terraform.ki-prod-secret.tfstate']);
});

it('would find the sentinel in the reading state too, if the environment stack had a client_secret output', async () => {
  // The account stack's remote state alone, reading an environment state that has the output.
  const control = terraformFolder({ data: { terraform_remote_state: stacks[ACCOUNT].data!.terraform_remote_state } }, ACCOUNT);
  const leaky = JSON.parse(environmentState(stacks['ki-prod']));
  leaky.outputs.client_secret = { value: SENTINEL, type: 'string', sensitive: true };
  writeFileSync(join(control.root, 'terraform.ki-prod.tfstate'), JSON.stringify(leaky));

  await control.run(['init', '-input=false']);
  await control.run(['apply', '-refresh-only', '-auto-approve', '-input=false']);

  expect(readFileSync(join(control.dir, 'terraform.tfstate'), 'utf8')).toContain(SENTINEL);
}, 60_000);
