import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { ConfigError, configPath, loadConfig } from '../../../lib/config';
import { configWith, minimalStack, ROOT } from '../../helpers/config';

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

  it('accepts a UTF-8 byte-order mark at the start of the file', () => {
    const marked = join(dir, 'marked.json');
    writeFileSync(marked, `\uFEFF${JSON.stringify(configWith(minimalStack({ name: 'ki-marked' })))}`);
    expect(loadConfig(marked).stacks[0].name).toBe('ki-marked');
  });

  it('refuses a byte-order mark anywhere else', () => {
    const marked = join(dir, 'marked-late.json');
    writeFileSync(marked, ` \uFEFF{}`);
    expect(() => loadConfig(marked)).toThrow(
      new ConfigError(`${marked} is not valid JSON at line 1, column 2: expected a value, found "\uFEFF".`),
    );
  });

  it('names the file and the line and column of a JSON mistake', () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{\n  "stacks": [\n    { "name": "ki", }\n  ]\n}\n');
    expect(() => loadConfig(broken)).toThrow(
      new ConfigError(`${broken} is not valid JSON at line 3, column 21: expected a property name in double quotes, found "}".`),
    );
  });

  it('counts lines and columns after a byte-order mark as an editor does, without the mark', () => {
    const broken = join(dir, 'marked-broken.json');
    writeFileSync(broken, '\uFEFF{"stacks" []}');
    expect(() => loadConfig(broken)).toThrow(
      new ConfigError(`${broken} is not valid JSON at line 1, column 11: expected a colon after the property name, found "[".`),
    );
  });

  it.each([
    ['an unclosed list', '{"stacks": [', 'line 1, column 13: expected a value, found the end of the file'],
    ['an empty file', '', 'line 1, column 1: expected a value, found the end of the file'],
    ['single quotes', "{'stacks': []}", `line 1, column 2: expected a property name in double quotes, found "'"`],
    ['a comment', '{\n// stacks\n}', 'line 2, column 1: expected a property name in double quotes, found "/"'],
    ['text after the value', '{}\n{}', 'line 2, column 1: expected the end of the file after the value, found "{"'],
    ['an unclosed string', '{"stacks', 'line 1, column 9: a string is not closed before the end of the file'],
    ['a line break in a string', '{"a\nb": 1}', 'line 1, column 4: a string holds a line break or control character; write it as an escape such as \\n'],
    ['an unknown escape', '{"a\\x": 1}', 'line 1, column 5: "x" cannot follow \\ in a string'],
    ['a short \\u escape', '{"\\u12": 1}', 'line 1, column 7: \\u must be followed by 4 hexadecimal digits'],
    ['a cut-off true', '[tru]', 'line 1, column 5: expected true, found "]"'],
    ['a number ending in a decimal point', '[1.]', 'line 1, column 4: expected a digit after the decimal point, found "]"'],
    ['a minus sign alone', '[-]', 'line 1, column 3: expected a digit after -, found "]"'],
    ['an exponent without digits', '[1e+]', 'line 1, column 5: expected a digit after the exponent mark, found "]"'],
    ['a missing comma in a list', '[1 2]', 'line 1, column 4: expected a comma or ], found "2"'],
    ['a missing comma in an object', '{"a": 1 "b": 2}', 'line 1, column 9: expected a comma or }, found "\\""'],
    ['a CRLF file', '{\r\n"a": ,\r\n}', 'line 2, column 6: expected a value, found ","'],
  ])('says where %s breaks the JSON', (_, text, where) => {
    const broken = join(dir, 'case.json');
    writeFileSync(broken, text);
    expect(() => loadConfig(broken)).toThrow(new ConfigError(`${broken} is not valid JSON at ${where}.`));
  });

  it('gives a folder one sentence', () => {
    const folder = join(dir, 'a-folder.json');
    mkdirSync(folder);
    expect(() => loadConfig(folder)).toThrow(
      new ConfigError(`Cannot read the configuration file ${folder}: it is a folder, not a file.`),
    );
  });

  it('gives a path through a file, as if it were a folder, one sentence', () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, '{}');
    const through = join(file, 'key-insight.config.json');
    expect(() => loadConfig(through)).toThrow(
      new ConfigError(`Cannot read the configuration file ${through}: a part of that path is a file, not a folder.`),
    );
  });

  it('gives a file without read permission (mode 000, read by a user other than root) one sentence', () => {
    const shared = mkdtempSync(join(tmpdir(), 'ki-unreadable-'));
    chmodSync(shared, 0o755);
    const unreadable = join(shared, 'key-insight.config.json');
    writeFileSync(unreadable, '{}');
    chmodSync(unreadable, 0o000);
    const expected = `Cannot read the configuration file ${unreadable}: permission denied.`;
    if (process.getuid?.() !== 0) {
      expect(() => loadConfig(unreadable)).toThrow(new ConfigError(expected));
      return;
    }
    // root reads any file whatever its mode: the loader runs as the unprivileged user "nobody" instead.
    const bundle = join(shared, 'load.cjs');
    buildSync({ entryPoints: [join(ROOT, 'lib', 'config', 'load.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'error' });
    chmodSync(bundle, 0o644);
    const script = `try { require(${JSON.stringify(bundle)}).loadConfig(${JSON.stringify(unreadable)}) } catch (e) { process.stdout.write(e.message) }`;
    const run = spawnSync(process.execPath, ['-e', script], { uid: 65534, gid: 65534, cwd: shared, encoding: 'utf8' });
    expect({ stdout: run.stdout, stderr: run.stderr }).toEqual({ stdout: expected, stderr: '' });
  });

  it('names the file in validation errors', () => {
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ stacks: [] }));
    expect(() => loadConfig(invalid)).toThrow(
      `Invalid configuration in ${invalid} (1 problem):\n  - stacks is [], but must be a list of 1 to 50 stacks`,
    );
  });
});
