import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { parseConfig } from '../../lib/config';
import { addEnvironments, type SynthOptions } from '../../lib/key-insight-app';

export type TerraformJson = {
  resource?: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  output?: Record<string, any>;
  variable?: Record<string, any>;
  provider?: Record<string, any[]>;
  terraform?: any;
};

/**
 * Synthesizes every stack of a configuration into a temporary folder, keyed by stack name. The App is
 * made as main.ts makes it, with cdktf's construct validations left to `synthesize()` (which these
 * helpers do not call): cdktf's import-block check runs `terraform version`, and unit tests start no
 * process.
 */
export function synthConfig(input: unknown, options: SynthOptions = {}): Record<string, TerraformJson> {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'cdktf.outdir.')), stackTraces: false, skipValidation: true });
  addEnvironments(app, parseConfig(input), options);
  return synthStacks(app);
}

/** Synthesizes the whole app as `cdktf synth` does (cross-stack references included) into its temporary outdir. */
export function synthStacks(app: App): Record<string, TerraformJson> {
  app.synth();
  const stacks = app.node.children.filter((child): child is TerraformStack => child instanceof TerraformStack);
  return Object.fromEntries(
    stacks.map((stack) => [
      stack.node.id,
      JSON.parse(readFileSync(join(app.outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8')),
    ]),
  );
}

/** The resources of one type in a synthesized stack, without cdktf's metadata. */
export function resourcesOf(stack: TerraformJson, type: string): any[] {
  return Object.values(stack.resource?.[type] ?? {}).map(({ '//': _metadata, ...attributes }) => attributes);
}

export function onlyResource(stack: TerraformJson, type: string): any {
  const found = resourcesOf(stack, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}
