/** Finding and reading the configuration file. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, DEFAULT_CONFIG_FILE, parseConfig } from './errors';
import type { KeyInsightConfig } from './schema';

export const CONFIG_FILE_ENV = 'KEY_INSIGHT_CONFIG';

/** The configuration file's path: KEY_INSIGHT_CONFIG, or key-insight.config.json in the working directory. */
export function configPath(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return resolve(cwd, env[CONFIG_FILE_ENV] || DEFAULT_CONFIG_FILE);
}

export function loadConfig(path: string): KeyInsightConfig {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ConfigError(
        `Configuration file not found: ${path}. Create it, or set ${CONFIG_FILE_ENV} to the path of another file.`,
      );
    }
    throw new ConfigError(`Cannot read the configuration file ${path}: ${code ?? String(error)}`);
  }
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseConfig(input, path);
}
