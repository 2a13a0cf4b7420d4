import { ROTATED_CLIENT_SECRET_OUTPUT } from '../../lib/client-secret-mode';
import { renderOutputs, requireClientSecret } from '../../cli/outputs-command';
import type { KeyInsightSetup } from '../../cli/stack-outputs';
import { UsageError } from '../../cli/usage-error';

const SECRET = 'fixture-client-secret-0123456789';

function setup(clientSecret: string | undefined): KeyInsightSetup {
  return {
    outputsFile: 'key-insight.outputs.json',
    stackName: 'ki-dev',
    clientId: '0oa1a2b3c4d5e6f7g8h9',
    ...(clientSecret === undefined ? {} : { clientSecret }),
    clientSecretStack: 'ki-dev',
    metadataUri: 'https://dev-1.okta.com/oauth2/aus1/.well-known/oauth-authorization-server',
    issuer: 'https://dev-1.okta.com/oauth2/aus1',
    tokenEndpoint: 'https://dev-1.okta.com/oauth2/aus1/v1/token',
    audience: 'api://key-insight',
    scopes: ['key-insight.scan'],
    awsRoles: [],
  };
}

const ROTATED_ADVICE =
  'the stack keeps no client secret (clientSecret: "rotated"): `npx key-insight rotate-secret start` creates one and writes it into key-insight.outputs.json';

describe('an outputs file from a stack with clientSecret "rotated"', () => {
  const rotated = setup(ROTATED_CLIENT_SECRET_OUTPUT);

  it('shows in the table where the secret comes from instead of the output sentence', () => {
    const { stdout } = renderOutputs(rotated, { format: 'table', showSecret: true, outputsFile: rotated.outputsFile });
    expect(stdout).toContain(`Client Secret   not kept by Terraform: ${ROTATED_ADVICE}\n`);
    expect(stdout).not.toContain(ROTATED_CLIENT_SECRET_OUTPUT);
  });

  it('gives JSON a null secret with the status "rotated"', () => {
    const rendered = renderOutputs(rotated, { format: 'json', showSecret: true, outputsFile: rotated.outputsFile });
    const report = JSON.parse(rendered.stdout);
    expect([report.clientSecret, report.clientSecretStatus]).toEqual([null, 'rotated']);
    expect(rendered.stderr).toBe(`The client secret is left out: ${ROTATED_ADVICE}.\n`);
  });

  it('leaves the secret variable out of the env format', () => {
    const rendered = renderOutputs(rotated, { format: 'env', showSecret: true, outputsFile: rotated.outputsFile });
    expect(rendered.stdout).not.toContain('KEY_INSIGHT_CLIENT_SECRET');
    expect(rendered.stderr).toBe(`The client secret is left out: ${ROTATED_ADVICE}.\n`);
  });

  it('is refused by the commands that request tokens, with the command that writes a secret', () => {
    expect(() => requireClientSecret(rotated)).toThrow(
      new UsageError(`stack "ki-dev" in key-insight.outputs.json has no usable client_secret: ${ROTATED_ADVICE}`),
    );
  });
});

describe('requireClientSecret', () => {
  it('returns the secret the file holds', () => {
    expect(requireClientSecret(setup(SECRET))).toBe(SECRET);
  });

  it('names the command that writes the secret when the file has none', () => {
    expect(() => requireClientSecret(setup(undefined))).toThrow(
      new UsageError(
        'stack "ki-dev" in key-insight.outputs.json has no client_secret: the file was written without sensitive outputs; run: npx cdktf output ki-dev --outputs-file key-insight.outputs.json --outputs-file-include-sensitive-outputs',
      ),
    );
  });
});
