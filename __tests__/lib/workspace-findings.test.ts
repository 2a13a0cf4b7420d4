/**
 * The warnings about what lies beside the configuration: local state that already holds adopted
 * resources (KI-ADOPT-DEPLOYED), Terraform override files in a stack's folder (KI-TERRAFORM-OVERRIDE),
 * and the client secret's stack keeping local state (KI-SECRET-STATE-LOCAL).
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { parseConfig } from '../../lib/config';
import { synthesize } from '../../lib/synthesize';
import { configWith, minimalStack } from '../helpers/config';

const APP_ID = '0oa1a2b3c4d5e6f7g8h9';
const work = mkdtempSync(join(tmpdir(), 'ki-workspace-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let projects = 0;
/** A project folder: the synth writes <project>/cdktf.out, and local state lives at <project>. */
function project(): { dir: string; outdir: string; synth: (config: unknown) => string[] } {
  projects += 1;
  const dir = join(work, `project-${projects}`);
  mkdirSync(dir);
  const outdir = join(dir, 'cdktf.out');
  const synth = (config: unknown) => synthesize(new App({ outdir, stackTraces: false, skipValidation: true }), parseConfig(config));
  return { dir, outdir, synth };
}

const SECRET_STATE_FIX =
  'Fix: set stacks[].backend to an "s3" or "cloud" backend; while the state stays local, keep the file readable by its owner only (chmod 600 on it; a deploy under umask 077 creates it so).';
/** KI-SECRET-STATE-LOCAL for ki-test, whose secret stack's state file `terraform apply` has not written. */
const SECRET_STATE_NOT_WRITTEN =
  '[KI-SECRET-STATE-LOCAL] ki-test: the stack that holds the client secret keeps its Terraform state, the secret in plain text included, in a local file ' +
  `(terraform.ki-test-secret.tfstate, not written yet). ${SECRET_STATE_FIX}`;

/** The state `terraform apply` leaves after importing: the resource at the import block's address. */
function appliedState(outdir: string, stack: string): string {
  const written = JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
  const resources = written.import.map((block: { to: string }) => {
    const [type, name] = block.to.split('.');
    return { mode: 'managed', type, name, provider: 'provider["registry.terraform.io/okta/okta"]', instances: [{ attributes: { id: APP_ID } }] };
  });
  return JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 2, lineage: 'adopted', outputs: {}, resources });
}

describe('KI-ADOPT-DEPLOYED (warning)', () => {
  const adopting = configWith(minimalStack({ adopt: { okta: { appId: APP_ID } } }));

  it('says nothing of the adopt block before the first deploy, when no state holds the adopted app', () => {
    expect(project().synth(adopting)).toEqual([SECRET_STATE_NOT_WRITTEN]);
  });

  it('says the adopt block can go once the local state holds the adopted app', () => {
    const { dir, outdir, synth } = project();
    synth(adopting);
    writeFileSync(join(dir, 'terraform.ki-test.tfstate'), appliedState(outdir, 'ki-test'));

    expect(synth(adopting)).toEqual([
      `[KI-ADOPT-DEPLOYED] ki-test: adopted resources are in the stack's local state already, so their import blocks have done their work (ki-test/Okta/App (imported from ${APP_ID})). ` +
        'Fix: remove their entries from stacks[].adopt or stacks[].aws.accounts[].adopt; kept, an import block fails the plan ("Cannot import non-existent remote object") once its resource is deleted outside Terraform.',
      SECRET_STATE_NOT_WRITTEN,
    ]);
  });

  it('says nothing of adoption once the adopt block is removed', () => {
    const { dir, outdir, synth } = project();
    synth(adopting);
    writeFileSync(join(dir, 'terraform.ki-test.tfstate'), appliedState(outdir, 'ki-test'));

    expect(synth(configWith(minimalStack()))).toEqual([SECRET_STATE_NOT_WRITTEN]);
  });

  it('does not read state for a remote backend, whose state the synth cannot see', () => {
    const { dir, outdir, synth } = project();
    const remote = configWith(minimalStack({ adopt: { okta: { appId: APP_ID } }, backend: { type: 'cloud', organization: 'acme' } }));
    synth(remote);
    writeFileSync(join(dir, 'terraform.ki-test.tfstate'), appliedState(outdir, 'ki-test'));

    expect(synth(remote)).toEqual([]);
  });
});

describe('KI-TERRAFORM-OVERRIDE (warning)', () => {
  it.each(['main_override.tf.json', 'override.tf', 'x_override.tf'])('names %s left in a stack folder', (file) => {
    const { outdir, synth } = project();
    const config = configWith(minimalStack());
    synth(config);
    writeFileSync(join(outdir, 'stacks', 'ki-test', file), '{}');

    expect(synth(config)).toEqual([
      `[KI-TERRAFORM-OVERRIDE] ki-test: a Terraform override file in a stack's folder changes what the synth wrote, and no synth removes it (cdktf.out/stacks/ki-test/${file}). ` +
        'Fix: delete the file, unless the stack is meant to be deployed with it; a lasting change belongs in the constructs.',
      SECRET_STATE_NOT_WRITTEN,
    ]);
  });

  it('leaves other files alone', () => {
    const { outdir, synth } = project();
    const config = configWith(minimalStack());
    synth(config);
    writeFileSync(join(outdir, 'stacks', 'ki-test', 'notes_override.txt'), 'x');
    writeFileSync(join(outdir, 'stacks', 'ki-test', 'overrides.tf'), 'x');

    expect(synth(config)).toEqual([SECRET_STATE_NOT_WRITTEN]);
  });
});

describe('KI-SECRET-STATE-LOCAL (warning)', () => {
  const secretState = JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage: 'secret', outputs: {}, resources: [] });

  it.each([
    ['0644', 0o644],
    ['0600', 0o600],
  ])("names the secret stack's state file with its mode %s once Terraform has written it", (shown, mode) => {
    const { dir, synth } = project();
    writeFileSync(join(dir, 'terraform.ki-test-secret.tfstate'), secretState);
    chmodSync(join(dir, 'terraform.ki-test-secret.tfstate'), mode);

    expect(synth(configWith(minimalStack()))).toEqual([
      '[KI-SECRET-STATE-LOCAL] ki-test: the stack that holds the client secret keeps its Terraform state, the secret in plain text included, in a local file ' +
        `(terraform.ki-test-secret.tfstate, mode ${shown}). ${SECRET_STATE_FIX}`,
    ]);
  });

  it('names each environment with local state, and none whose state is remote', () => {
    const { synth } = project();
    const config = configWith(
      minimalStack({ name: 'ki-sandbox', okta: { authorizationServer: { audience: 'api://ki-sandbox' }, scopes: [{ name: 'key-insight.scan' }] } }),
      minimalStack({ name: 'ki-prod', backend: { type: 's3', bucket: 'acme-state', keyPrefix: 'ki', region: 'eu-west-1' } }),
      minimalStack({ name: 'ki-cloud', okta: { authorizationServer: { audience: 'api://ki-cloud' }, scopes: [{ name: 'key-insight.scan' }] }, backend: { type: 'cloud', organization: 'acme' } }),
    );

    expect(synth(config).filter((warning) => warning.startsWith('[KI-SECRET-STATE-LOCAL]')).map((warning) => warning.split(':')[0])).toEqual(['[KI-SECRET-STATE-LOCAL] ki-sandbox']);
  });
});
