/**
 * The team's own configuration (key-insight.config.json, or the file KEY_INSIGHT_CONFIG names): the one
 * test that reads it, and it holds for any valid values.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { configPath, loadConfig } from '../lib/config';
import { accountStackName, secretStackName } from '../lib/stack-names';
import { synthesize } from '../lib/synthesize';
import { ROOT } from './helpers/config';

it('loads, synthesizes every stack it describes and passes the security review', () => {
  const path = configPath(process.env, ROOT);
  const config = loadConfig(path);
  const app = Testing.app();
  synthesize(app, config, path);
  const expected = config.stacks.flatMap((stack) => [
    stack.name,
    // The client secret is read in a stack of its own, which no other stack reads.
    secretStackName(stack.name),
    ...(stack.aws.accounts ?? []).map((account) => accountStackName(stack.name, account.accountId)),
  ]);
  const manifest = JSON.parse(readFileSync(join(app.outdir, 'manifest.json'), 'utf8'));
  expect(Object.keys(manifest.stacks).sort()).toEqual([...expected].sort());
});
