import { App } from 'cdktf';
import { ConfigError, configPath, loadConfig } from './lib/config';
import { addEnvironments } from './lib/key-insight-app';

// The configuration is checked in full before anything is written, so a refused synth
// leaves the previous cdktf.out as it was.
let config;
try {
  config = loadConfig(configPath());
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

const app = new App();
addEnvironments(app, config);
app.synth();
