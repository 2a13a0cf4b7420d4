import { dirname, resolve } from 'node:path';
import { App } from 'cdktf';
import { ConfigError, configPath, loadConfig } from './lib/config';
import { OutputFolderError, makeOutputFolder } from './lib/output-folder';
import { ENVIRONMENT_DEPLOYED_VARIABLE, PLAN_ONLY_VARIABLE } from './lib/plan-only';
import { ACKNOWLEDGEABLE_IDS } from './lib/review/rules';
import { SynthRefusal, synthesize, synthOptionsFromEnvironment } from './lib/synthesize';

try {
  const options = synthOptionsFromEnvironment(process.env);
  const path = configPath();
  // Read before the App exists: the App creates the output folder, and a refused file writes nothing.
  // Its acknowledgements are checked in the same run, so that one message lists every problem.
  const config = loadConfig(path, ACKNOWLEDGEABLE_IDS);
  // Made here, where a folder that cannot be made gets one sentence, rather than by the App.
  const outdir = process.env.CDKTF_OUTDIR || 'cdktf.out';
  makeOutputFolder('CDKTF_OUTDIR', outdir);
  // Without stack traces, a warning's annotation in manifest.json holds no path of this machine.
  // synthesize() runs the constructs' validations before writing anything, so the App need not again.
  const app = new App({ outdir, stackTraces: false, skipValidation: true });
  // The record of the stacks is kept at the project root, beside cdktf.out, as local state is.
  const warnings = synthesize(app, config, path, { ...options, stackRecordDir: dirname(resolve(app.outdir)) });
  if (options.planOnly) {
    process.stderr.write(`${PLAN_ONLY_VARIABLE}=1: a plan-only synth; account stacks can plan before their environment is deployed (terraform plan -var ${ENVIRONMENT_DEPLOYED_VARIABLE}=false), and refuse every apply.\n`);
  }
  // The cdktf CLI prints the warnings' annotations itself; run directly (npm run synth), the app does.
  if (process.env.CDKTF_CONTEXT_JSON === undefined) {
    for (const warning of warnings) process.stderr.write(`Warning: ${warning}\n`);
  }
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof SynthRefusal || error instanceof OutputFolderError)) throw error;
  process.stderr.write(`${error.message}\n`);
  // A folder variable is a usage error; a configuration or a synth the checks refuse is a failed check.
  process.exitCode = error instanceof OutputFolderError ? 2 : 1;
}
