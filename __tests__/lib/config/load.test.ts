import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, configPath, loadConfig } from '../../../lib/config';

describe('the configuration file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ki-config-'));

  it('is key-insight.config.json in the working directory unless KEY_INSIGHT_CONFIG names another', () => {
    expect(configPath({}, '/project')).toBe('/project/key-insight.config.json');
    expect(configPath({ KEY_INSIGHT_CONFIG: 'envs/prod.json' }, '/project')).toBe('/project/envs/prod.json');
    expect(configPath({ KEY_INSIGHT_CONFIG: '/etc/ki.json' }, '/project')).toBe('/etc/ki.json');
  });

  it('names a missing file', () => {
    const missing = join(dir, 'nope.json');
    expect(() => loadConfig(missing)).toThrow(
      new ConfigError(`Configuration file not found: ${missing}. Create it, or set KEY_INSIGHT_CONFIG to the path of another file.`),
    );
  });

  it('names a file that is not JSON and what breaks it', () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "stacks": [ }');
    expect(() => loadConfig(broken)).toThrow(`${broken} is not valid JSON: `);
    expect(() => loadConfig(broken)).toThrow("Unexpected token '}'");
  });

  it('names the file in validation errors', () => {
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ stacks: [] }));
    expect(() => loadConfig(invalid)).toThrow(
      `Invalid configuration in ${invalid} (1 problem):\n  - stacks is [], but must be a list of 1 to 50 stacks`,
    );
  });
});
