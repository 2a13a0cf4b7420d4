import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function countByType(block = {}) {
  return Object.fromEntries(
    Object.entries(block)
      .map(([type, instances]) => [type, Object.keys(instances).length])
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/**
 * What a synthesized cdktf.out holds, per stack: resource and data source types with their counts,
 * providers, output names and backend. Two apps with equal summaries build the same stacks.
 */
export function summarizeResourceSet(outdir) {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  const stacks = {};
  for (const stack of Object.values(manifest.stacks).sort((a, b) => a.name.localeCompare(b.name))) {
    const tf = JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), 'utf8'));
    stacks[stack.name] = {
      resources: countByType(tf.resource),
      dataSources: countByType(tf.data),
      providers: Object.keys(tf.provider ?? {}).sort(),
      outputs: Object.keys(tf.output ?? {}).sort(),
      backend: Object.keys(tf.terraform?.backend ?? {}),
    };
  }
  return stacks;
}

export function stackCount(outdir) {
  return Object.keys(JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')).stacks).length;
}
