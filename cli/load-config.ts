import { ConfigError, loadConfig, type KeyInsightConfig } from '../lib/config';
import { UsageError } from './usage-error';

/** The configuration a command works from; a file the synth would refuse is a usage error (exit 2), with the synth's message. */
export function loadCommandConfig(path: string): KeyInsightConfig {
  try {
    return loadConfig(path);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}
