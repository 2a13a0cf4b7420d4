import type { CliRun } from './run-cli';
import { CLIENT_ID, CLIENT_SECRET } from './authorization-server';

/** Three base64url segments, the first two JSON objects: the shape of any JWT, whoever issued it. */
const JWT_SHAPE = /eyJ[\w-]*\.eyJ[\w-]*\.[\w-]+/;

const formUrlEncoded = (value: string) => new URLSearchParams([['', value]]).toString().slice(1);

/**
 * Neither a client secret (raw, form-urlencoded, or inside the Basic credentials), nor any access
 * token, appears in the run's stdout or stderr. CLIENT_SECRET is always checked; tests add the
 * other secrets they handed to the tool.
 */
export function expectNoSecrets(run: CliRun, extra: { readonly secrets?: readonly string[]; readonly tokens?: readonly string[] } = {}): void {
  const printed = `${run.stdout}\n${run.stderr}`;
  for (const secret of [CLIENT_SECRET, ...(extra.secrets ?? [])]) {
    expect(printed).not.toContain(secret);
    expect(printed).not.toContain(formUrlEncoded(secret));
    expect(printed).not.toContain(Buffer.from(`${formUrlEncoded(CLIENT_ID)}:${formUrlEncoded(secret)}`).toString('base64'));
  }
  for (const token of extra.tokens ?? []) expect(printed).not.toContain(token);
  expect(printed).not.toMatch(JWT_SHAPE);
}
