import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { parseConfig } from '../../lib/config';
import { addEnvironments } from '../../lib/key-insight-app';

export type TerraformJson = {
  resource?: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  output?: Record<string, any>;
  provider?: Record<string, any[]>;
  terraform?: any;
};

/** Synthesizes every stack of a configuration in memory, keyed by stack name. */
export function synthConfig(input: unknown): Record<string, TerraformJson> {
  const app = Testing.app();
  addEnvironments(app, parseConfig(input));
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
