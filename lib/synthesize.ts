import { Annotations, App, TerraformAsset } from 'cdktf';
import { DEFAULT_CONFIG_FILE, refusal, type KeyInsightConfig } from './config';
import { addEnvironments } from './key-insight-app';
import { Finding, acknowledgementProblems, formatFinding, reviewApp } from './review';

/** The security review found errors; nothing was written. */
export class ReviewRefusal extends Error {
  constructor(public readonly errors: readonly Finding[]) {
    super(`The security review refused the synth:\n${errors.map((error) => `  - ${formatFinding(error)}`).join('\n')}`);
    this.name = 'ReviewRefusal';
  }
}

/** A construct added a TerraformAsset, which this app cannot write; nothing was written. */
export class AssetRefusal extends Error {
  constructor(public readonly assetPaths: readonly string[]) {
    super(
      `TerraformAsset is not supported, but ${assetPaths.join(', ')} ${assetPaths.length === 1 ? 'is one' : 'are'}: ` +
        "the stacks ship no files, and the synth's bundle leaves out the archiver that zips asset folders (scripts/build-app.cjs)",
    );
    this.name = 'AssetRefusal';
  }
}

/**
 * Checks the acknowledgements, builds every environment's stacks, reviews them all, refuses any TerraformAsset, and only then
 * writes cdktf.out, so that a refused synth leaves the previous output as it was. `source` names the
 * configuration file in messages. Returns the warnings, also added as annotations (which the cdktf CLI
 * prints).
 */
export function synthesize(app: App, config: KeyInsightConfig, source = DEFAULT_CONFIG_FILE): string[] {
  const acknowledgements = acknowledgementProblems(config);
  if (acknowledgements.length > 0) throw refusal(source, acknowledgements.map((line) => `  - ${line}`));
  addEnvironments(app, config);
  const assets = app.node.findAll().filter((construct) => construct instanceof TerraformAsset);
  if (assets.length > 0) throw new AssetRefusal(assets.map((asset) => asset.node.path));
  const findings = reviewApp(app);
  const errors = findings.filter((finding) => finding.level === 'error');
  if (errors.length > 0) throw new ReviewRefusal(errors);
  const warnings = findings.map((warning) => {
    const message = formatFinding(warning);
    Annotations.of(warning.stack).addWarning(message);
    return message;
  });
  app.synth();
  return warnings;
}
