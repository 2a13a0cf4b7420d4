import { Annotations, App } from 'cdktf';
import { ConfigError, configPath, loadConfig } from './lib/config';
import { addEnvironments } from './lib/key-insight-app';
import { formatFinding, reviewApp } from './lib/review';

function refuse(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

// Everything is checked before anything is written, so a refused synth leaves cdktf.out as it was.
let config;
try {
  config = loadConfig(configPath());
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  refuse(error.message);
}

const app = new App();
addEnvironments(app, config);

const findings = reviewApp(app);
const errors = findings.filter((finding) => finding.level === 'error');
if (errors.length > 0) {
  refuse(`The security review refused the synth:\n${errors.map((error) => `  - ${formatFinding(error)}`).join('\n')}`);
}
// The cdktf CLI prints annotations itself; run directly (npm run synth), the app prints its warnings.
const printWarnings = process.env.CDKTF_CONTEXT_JSON === undefined;
for (const warning of findings) {
  Annotations.of(warning.stack).addWarning(formatFinding(warning));
  if (printWarnings) process.stderr.write(`Warning: ${formatFinding(warning)}\n`);
}

app.synth();
