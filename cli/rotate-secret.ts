import { renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Client } from '@okta/okta-sdk-nodejs';
import { ROTATED_CLIENT_SECRET_OUTPUT } from '../lib/client-secret-mode';
import type { RotateSecretOptions } from './args';
import { EXIT_CODES } from './exit-codes';
import { nextStep } from './next-step';
import type { Streams } from './main';
import { describeOktaError, oktaClient, oktaCredentials, type OktaTarget } from './okta-management';
import type { Redactor } from './redactor';
import { loadSetup, OUTPUT_NAMES, readOutputsFile, type KeyInsightSetup } from './stack-outputs';
import { UsageError } from './usage-error';
import { runVerify, type VerifyReport } from './verify/run-verify';

/** Okta keeps at most two client secrets per app (Okta, "Client secret rotation and key management"). */
export const MAX_CLIENT_SECRETS = 2;


interface ClientSecret {
  readonly id: string;
  readonly status: 'ACTIVE' | 'INACTIVE';
  /** ISO 8601; the newest secret is the one a rotation created. */
  readonly created: string;
  /** The secret itself, as Okta's list call returns it. */
  readonly value?: string;
}

/** A step that failed: its name, what went wrong, and what state the app's secrets are left in. */
class StepFailure extends Error {
  public constructor(
    public readonly step: string,
    detail: string,
    public readonly state: string,
  ) {
    super(detail);
  }
}

interface Rotation {
  readonly options: RotateSecretOptions;
  readonly setup: KeyInsightSetup;
  readonly client: Client;
  /** The Okta org the client calls and its time limit, for messages. */
  readonly okta: OktaTarget;
  readonly redactor: Redactor;
  readonly print: Streams;
  /** Prints without redaction: only for the one line --show-secret asks for. */
  readonly printSecret: (text: string) => void;
}

/**
 * `key-insight rotate-secret start|finish|abort`: a second client secret through Okta's app secrets API,
 * checked with a real token before the old one goes. Exit 0 when the step completed, 1 when Okta or a
 * check failed (the message names the step and leaves both secrets working), 2 for a usage problem.
 */
export async function rotateSecretCommand(
  options: RotateSecretOptions,
  redactor: Redactor,
  print: Streams,
  printSecret: (text: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const setup = loadSetup(options.outputsFile, options.stack);
  if (setup.clientSecret !== undefined) redactor.addSecret(setup.clientSecret);
  const credentials = oktaCredentials(env, redactor, options.timeoutMs);
  const client = oktaClient(credentials);
  const rotation: Rotation = { options, setup, client, okta: credentials, redactor, print, printSecret };
  print.stdout(`rotate-secret ${options.action}: app ${setup.clientId} of stack "${setup.stackName}" (${setup.outputsFile})\n`);
  try {
    switch (options.action) {
      case 'start':
        await start(rotation);
        break;
      case 'finish':
        await finish(rotation);
        break;
      case 'abort':
        await abort(rotation);
        break;
    }
    return EXIT_CODES.ok;
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    print.stderr(`key-insight: rotate-secret ${options.action} failed at step "${error.step}": ${error.message}\n${error.state}\n`);
    return EXIT_CODES.failed;
  }
}

async function start(rotation: Rotation): Promise<void> {
  const { setup, options, redactor, print } = rotation;
  const secrets = await listSecrets(rotation, 'nothing was changed');
  if (secrets.length >= MAX_CLIENT_SECRETS) {
    throw new StepFailure(
      'list the client secrets',
      `the app already has ${secrets.length} client secrets, the most Okta allows: a rotation is under way`,
      `Run \`${nextStep('rotate-secret finish', options)}\` once Key Insight uses the newest secret, or \`${nextStep('rotate-secret abort', options)}\` to delete it; nothing was changed.`,
    );
  }

  const created = await step(rotation, 'create a second client secret', 'nothing was changed', async () => {
    const secret = await rotation.client.applicationSSOPublicKeysApi.createOAuth2ClientSecret({ appId: setup.clientId, oAuth2ClientSecretRequestBody: {} });
    if (typeof secret.client_secret !== 'string' || secret.client_secret === '' || typeof secret.id !== 'string') {
      throw new Error('Okta answered without the new secret or its ID');
    }
    redactor.addSecret(secret.client_secret);
    return { id: secret.id, value: secret.client_secret };
  });
  const bothActive = `Both secrets are active; the new one (${created.id}) was not written anywhere: run \`${nextStep('rotate-secret abort', options)}\` to delete it, then start again.`;

  await tokenCheck(rotation, 'get a token with the new secret', created.value, bothActive);

  if (options.showSecret) {
    rotation.printSecret(`New client secret (shown once, not written to any file): ${created.value}\n`);
  } else {
    await step(rotation, `write the new secret into ${setup.outputsFile}`, bothActive, async () => writeClientSecret(setup, created.value));
  }
  print.stdout(
    [
      '',
      `Both secrets work now. Next:`,
      `  1. In Key Insight > Authentication > IdP configuration, replace the Client Secret with the new one${options.showSecret ? ' (printed above)' : ` (\`${nextStep('outputs --show-secret', options)}\` prints it)`}, save, and check the connection.`,
      `  2. Run \`${nextStep('rotate-secret finish', options)}\`: it checks the new secret again, then deactivates and deletes the old one.`,
      `  To drop the new secret instead: \`${nextStep('rotate-secret abort', options)}\`.`,
      modeNote(setup, 'start'),
      '',
    ].join('\n'),
  );
}

async function finish(rotation: Rotation): Promise<void> {
  const { setup, options, print } = rotation;
  const secrets = await listSecrets(rotation, 'nothing was changed');
  const pair = rotationPair(secrets, 'finish', rotation.options);
  const secret = secretFromFile(setup, 'finish', rotation.options);
  // The file's secret is the one Key Insight was given: it stays, and only the other one goes.
  const kept = [pair.newest, pair.old].find((candidate) => candidate.value === secret);
  if (kept === undefined) {
    throw new StepFailure(
      'compare the secret in the outputs file with the app\'s secrets',
      `the secret in ${setup.outputsFile} is neither of the app's two secrets (${pair.old.id}, ${pair.newest.id})`,
      `Nothing was changed: put the secret Key Insight uses into ${setup.outputsFile} (\`${nextStep('rotate-secret start', options)}\` wrote the new one there), or run \`${nextStep('rotate-secret abort', options)}\` to delete the newest.`,
    );
  }
  const other = kept === pair.newest ? pair.old : pair.newest;
  print.stdout(`    ${setup.outputsFile} holds secret ${kept.id}${kept === pair.newest ? ', the newest' : ', the older one'}; secret ${other.id} goes\n`);
  if (kept.status !== 'ACTIVE') {
    throw new StepFailure('compare the secret in the outputs file with the app\'s secrets', `the secret in ${setup.outputsFile} (${kept.id}) is inactive, so finishing would leave no working secret`, `Nothing was changed: activate it in the Okta Admin Console, or put the active secret into ${setup.outputsFile}.`);
  }
  const unchanged = 'Nothing was changed: both secrets are still active.';
  await tokenCheck(rotation, `get a token with the secret in ${setup.outputsFile}`, secret, unchanged);

  if (other.status === 'ACTIVE') {
    await step(rotation, `deactivate the other secret (${other.id})`, unchanged, () =>
      rotation.client.applicationSSOPublicKeysApi.deactivateOAuth2ClientSecret({ appId: setup.clientId, secretId: other.id }),
    );
  }
  // Only a secret this command deactivated is activated again after a failure.
  const restore = async (why: string) => (other.status === 'ACTIVE' ? reactivate(rotation, other, why) : `${why}; the other secret was inactive before, and stays so.`);
  const report = await tokenReport(rotation, secret);
  if (!tokenIssued(report)) {
    const state = await restore(`The secret in ${setup.outputsFile} stopped getting tokens once the other one was deactivated`);
    throw new StepFailure('get a token with the kept secret while the other one is inactive', failedChecks(report), state);
  }
  await step(rotation, `delete the other secret (${other.id})`, '', async () => {
    try {
      await rotation.client.applicationSSOPublicKeysApi.deleteOAuth2ClientSecret({ appId: setup.clientId, secretId: other.id });
    } catch (error) {
      throw new StepFailure(`delete the other secret (${other.id})`, describeOktaError(error, rotation.okta), await restore('The other secret could not be deleted'));
    }
  });
  print.stdout(['', `Done: the app has one client secret, the one in ${setup.outputsFile}.`, modeNote(setup, 'finish'), ''].join('\n'));
}

async function abort(rotation: Rotation): Promise<void> {
  const { setup, print } = rotation;
  const secrets = await listSecrets(rotation, 'nothing was changed');
  const { newest, old } = rotationPair(secrets, 'abort', rotation.options);
  const unchanged = 'Nothing was changed: both secrets are still active.';
  if (newest.status === 'ACTIVE') {
    await step(rotation, `deactivate the new secret (${newest.id})`, unchanged, () =>
      rotation.client.applicationSSOPublicKeysApi.deactivateOAuth2ClientSecret({ appId: setup.clientId, secretId: newest.id }),
    );
  }
  await step(rotation, `delete the new secret (${newest.id})`, '', async () => {
    try {
      await rotation.client.applicationSSOPublicKeysApi.deleteOAuth2ClientSecret({ appId: setup.clientId, secretId: newest.id });
    } catch (error) {
      throw new StepFailure(`delete the new secret (${newest.id})`, describeOktaError(error, rotation.okta), await reactivate(rotation, newest, 'The new secret could not be deleted'));
    }
  });

  const lines = ['', 'Done: the app has one client secret again, the one Key Insight used before the rotation started.'];
  if (old.value !== undefined && setup.clientSecret === old.value) {
    lines.push(`The secret in ${setup.outputsFile} is the remaining one.`);
  } else if (old.value !== undefined) {
    await step(rotation, `write the remaining secret (${old.id}) into ${setup.outputsFile}`, `The new secret is deleted; ${setup.outputsFile} was not changed.`, async () =>
      writeClientSecret(setup, old.value),
    );
    lines.push(`${setup.outputsFile} holds the remaining secret (${old.id}) again, as Okta's list of the app's secrets returned it.`);
  } else if (setup.clientSecret !== undefined && setup.clientSecret !== ROTATED_CLIENT_SECRET_OUTPUT) {
    await step(rotation, `remove the deleted secret from ${setup.outputsFile}`, '', async () => writeClientSecret(setup, undefined));
    lines.push(`${setup.outputsFile} held the deleted secret, and Okta's list did not return the remaining one; it no longer holds a client secret.`);
  }
  lines.push(modeNote(setup, 'abort'), '');
  print.stdout(lines.join('\n'));
}

/** The two secrets of a rotation under way: the newest (made by start) and the old one. */
function rotationPair(secrets: readonly ClientSecret[], action: 'finish' | 'abort', options: RotateSecretOptions): { newest: ClientSecret; old: ClientSecret } {
  if (secrets.length !== MAX_CLIENT_SECRETS) {
    throw new StepFailure(
      'list the client secrets',
      `the app has ${secrets.length} client secret${secrets.length === 1 ? '' : 's'}, so no rotation is under way to ${action}`,
      `Nothing was changed; \`${nextStep('rotate-secret start', options)}\` begins a rotation.`,
    );
  }
  const [old, newest] = [...secrets].sort((a, b) => a.created.localeCompare(b.created)) as [ClientSecret, ClientSecret];
  return { newest, old };
}

async function listSecrets(rotation: Rotation, state: string): Promise<ClientSecret[]> {
  return step(rotation, 'list the client secrets', state, async () => {
    const collection = await rotation.client.applicationSSOPublicKeysApi.listOAuth2ClientSecrets({ appId: rotation.setup.clientId });
    const secrets: ClientSecret[] = [];
    for await (const secret of collection) {
      if (secret === null || typeof secret.id !== 'string' || (secret.status !== 'ACTIVE' && secret.status !== 'INACTIVE')) {
        throw new Error('Okta answered with a client secret without an ID or status');
      }
      if (typeof secret.client_secret === 'string') rotation.redactor.addSecret(secret.client_secret);
      const value = typeof secret.client_secret === 'string' && secret.client_secret !== '' ? { value: secret.client_secret } : {};
      secrets.push({ id: secret.id, status: secret.status, created: String(secret.created ?? ''), ...value });
    }
    const active = secrets.filter((secret) => secret.status === 'ACTIVE').length;
    rotation.print.stdout(`    ${secrets.length} secret${secrets.length === 1 ? '' : 's'}, ${active} active\n`);
    return secrets;
  });
}

/** Runs one named step; a failure becomes a StepFailure naming it, with the state it leaves. */
async function step<T>(rotation: Rotation, name: string, state: string, action: () => Promise<T>): Promise<T> {
  rotation.print.stdout(`  ${name}\n`);
  try {
    return await action();
  } catch (error) {
    if (error instanceof StepFailure) throw error;
    throw new StepFailure(name, describeOktaError(error, rotation.okta), state);
  }
}

async function tokenCheck(rotation: Rotation, name: string, secret: string, state: string): Promise<void> {
  rotation.print.stdout(`  ${name}\n`);
  const report = await tokenReport(rotation, secret);
  if (!report.passed) throw new StepFailure(name, failedChecks(report), state);
}

/** The checks `verify` does, with this secret. */
function tokenReport(rotation: Rotation, secret: string): Promise<VerifyReport> {
  rotation.redactor.addSecret(secret);
  return runVerify({ ...rotation.setup, clientSecret: secret }, { timeoutMs: rotation.options.timeoutMs, assumeRole: false }, rotation.redactor);
}

function tokenIssued(report: VerifyReport): boolean {
  return report.checks.some((check) => check.id === 'tokenRequest' && check.status === 'pass');
}

function failedChecks(report: VerifyReport): string {
  return report.checks
    .filter((check) => check.status === 'fail')
    .map((check) => `${check.title}: ${check.detail ?? ''}`)
    .join('; ');
}

/** Activates a secret again after a later step failed, so that both secrets work; says what it left. */
async function reactivate(rotation: Rotation, secret: ClientSecret, why: string): Promise<string> {
  try {
    await rotation.client.applicationSSOPublicKeysApi.activateOAuth2ClientSecret({ appId: rotation.setup.clientId, secretId: secret.id });
    return `${why}; secret ${secret.id} is active again, so both secrets work.`;
  } catch (error) {
    return `${why}, and activating secret ${secret.id} again failed too (${describeOktaError(error, rotation.okta)}): activate it in the Okta Admin Console (Applications > the app > Client secrets).`;
  }
}

function secretFromFile(setup: KeyInsightSetup, action: 'finish', options: RotateSecretOptions): string {
  const secret = setup.clientSecret;
  if (secret === undefined || secret === ROTATED_CLIENT_SECRET_OUTPUT) {
    throw new UsageError(
      `rotate-secret ${action} checks the new secret from the ${OUTPUT_NAMES.clientSecret} output in ${setup.outputsFile}, but stack "${setup.clientSecretStack}" has none there: \`${nextStep('rotate-secret start', options)}\` writes it (unless given --show-secret); nothing was changed`,
    );
  }
  return secret;
}

/**
 * Sets (or, with undefined, removes) the client_secret output of the stack that holds it (`<stack>-secret`)
 * in the outputs file: written to a new file readable by its owner only, then
 * renamed over the old one, so that the file is never half-written.
 */
function writeClientSecret(setup: KeyInsightSetup, secret: string | undefined): void {
  const file = readOutputsFile(setup.outputsFile) as Record<string, Record<string, unknown>>;
  const outputs = { ...file[setup.clientSecretStack] };
  if (secret === undefined) delete outputs[OUTPUT_NAMES.clientSecret];
  else outputs[OUTPUT_NAMES.clientSecret] = secret;
  const next = { ...file, [setup.clientSecretStack]: outputs };
  const temporary = join(dirname(setup.outputsFile), `.${basename(setup.outputsFile)}.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, setup.outputsFile);
}

/**
 * What the stack's Terraform does with the rotated secret. The outputs file tells the mode only while it
 * still holds the "rotated" sentence, so otherwise both modes are explained.
 */
function modeNote(setup: KeyInsightSetup, action: RotateSecretOptions['action']): string {
  const rotated = 'Terraform keeps no client secret with clientSecret "rotated", so nothing else needs updating.';
  if (setup.clientSecret === ROTATED_CLIENT_SECRET_OUTPUT) return rotated;
  const when = action === 'start' ? 'from now on' : 'at the next refresh';
  return (
    `Terraform: with clientSecret "terraform" (the default), ${when} the okta_app_oauth data source reads the app's newest ` +
    `active secret, so the next \`cdktf deploy\` (or a refresh) stores it in the state and the ${OUTPUT_NAMES.clientSecret} ` +
    `output; the app is managed with omit_secret = true, so Terraform never sends a secret back to Okta. ${rotated}`
  );
}
