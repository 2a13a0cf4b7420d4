import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { ConfigError, configPath, loadConfig } from '../../../lib/config';
import { configWith, minimalStack, ROOT } from '../../helpers/config';

describe('the configuration file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ki-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

  it('gives a file that opens but fails to read (/proc/self/mem: EIO at offset 0) one sentence', () => {
    expect(() => loadConfig('/proc/self/mem')).toThrow(new ConfigError('Cannot read the configuration file /proc/self/mem: i/o error.'));
  });

  it('names the file in validation errors', () => {
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ stacks: [] }));
    expect(() => loadConfig(invalid)).toThrow(
      `Invalid configuration in ${invalid} (1 problem):\n  - stacks is [], but must be a list of 1 to 50 stacks`,
    );
  });

  it('names a number too large for JSON to hold, as 1e400, instead of showing it as null', () => {
    const huge = join(dir, 'huge-number.json');
    const stack = JSON.stringify(minimalStack({ okta: { ...minimalStack().okta, rule: { accessTokenLifetimeMinutes: 7 } } }));
    writeFileSync(huge, `{"stacks": [${stack.replace('"accessTokenLifetimeMinutes":7', '"accessTokenLifetimeMinutes":1e400')}]}`);
    expect(() => loadConfig(huge)).toThrow(
      `Invalid configuration in ${huge} (1 problem):\n` +
        '  - stacks[0].okta.rule.accessTokenLifetimeMinutes is a number above 1.7976931348623157e+308, but must be an integer from 5 to 1440 (minutes)',
    );
  });

  it('names a negative number too large for JSON to hold, as -1e400, as one below the least', () => {
    const huge = join(dir, 'huge-negative-number.json');
    const stack = JSON.stringify(minimalStack({ okta: { ...minimalStack().okta, rule: { accessTokenLifetimeMinutes: 7 } } }));
    writeFileSync(huge, `{"stacks": [${stack.replace('"accessTokenLifetimeMinutes":7', '"accessTokenLifetimeMinutes":-1e400')}]}`);
    expect(() => loadConfig(huge)).toThrow(
      `Invalid configuration in ${huge} (1 problem):\n` +
        '  - stacks[0].okta.rule.accessTokenLifetimeMinutes is a number below -1.7976931348623157e+308, but must be an integer from 5 to 1440 (minutes)',
    );
  });

  it('refuses a key given twice in one object, with its path and both lines', () => {
    const twice = join(dir, 'twice.json');
    writeFileSync(twice, '{\n  "stacks": [\n    {\n      "name": "a",\n      "name": "b"\n    }\n  ]\n}\n');
    expect(() => loadConfig(twice)).toThrow(
      new ConfigError(
        `Invalid configuration in ${twice} (1 problem):\n  - stacks[0].name is given twice, at line 4 and line 5; JSON would keep only the last one, so give it once`,
      ),
    );
  });

  it('lists every key given twice, in lists and maps too, and tells a key apart from the same text in a value', () => {
    const twice = join(dir, 'twice-many.json');
    const stack = minimalStack({ tags: { team: 'x' } });
    const text = JSON.stringify(configWith(stack))
      .replace('"team":"x"', '"team":"x","team":"y","name":"tag"')
      .replace('"region":"eu-west-1"', '"region":"eu-west-1",\n"region":"eu-west-2"');
    writeFileSync(twice, text);
    expect(() => loadConfig(twice)).toThrow(
      new ConfigError(
        `Invalid configuration in ${twice} (2 problems):\n` +
          '  - stacks[0].aws.region is given twice, at line 1 and line 2; JSON would keep only the last one, so give it once\n' +
          '  - stacks[0].tags.team is given twice, at line 2 and line 2; JSON would keep only the last one, so give it once',
      ),
    );
  });

  it('compares keys by their value, so an escaped spelling of a key is the same key', () => {
    const twice = join(dir, 'twice-escaped.json');
    writeFileSync(twice, '{"stacks": [], "st\\u0061cks": []}');
    expect(() => loadConfig(twice)).toThrow(
      new ConfigError(
        `Invalid configuration in ${twice} (1 problem):\n  - stacks is given twice, at line 1 and line 1; JSON would keep only the last one, so give it once`,
      ),
    );
  });

  it('reads nesting 32 levels deep, and refuses 33 with one sentence', () => {
    const deep = join(dir, 'deep.json');
    writeFileSync(deep, `{"stacks": ${'['.repeat(31)}${']'.repeat(31)}}`);
    expect(() => loadConfig(deep)).toThrow('Invalid configuration in');
    writeFileSync(deep, `{"stacks": ${'['.repeat(32)}${']'.repeat(32)}}`);
    expect(() => loadConfig(deep)).toThrow(
      new ConfigError(`${deep} nests lists and objects more than 32 levels deep (line 1, column 43); no configuration is that deep.`),
    );
  });

  it('refuses 3,000 levels with the same sentence, and brackets inside strings do not count', () => {
    const deep = join(dir, 'deeper.json');
    writeFileSync(deep, `{"a": "${'['.repeat(3000)}",\n "b": ${'{"c": '.repeat(3000)}1${'}'.repeat(3000)}}`);
    expect(() => loadConfig(deep)).toThrow(
      new ConfigError(`${deep} nests lists and objects more than 32 levels deep (line 2, column 193); no configuration is that deep.`),
    );
  });

  it('reads a file of 1 MiB, and refuses one byte more with one sentence', () => {
    const large = join(dir, 'large.json');
    const json = JSON.stringify(configWith(minimalStack()));
    writeFileSync(large, json + ' '.repeat(1024 * 1024 - json.length));
    expect(loadConfig(large).stacks[0].name).toBe('ki-test');
    writeFileSync(large, json + ' '.repeat(1024 * 1024 + 1 - json.length));
    expect(() => loadConfig(large)).toThrow(
      new ConfigError(`Cannot read the configuration file ${large}: it is larger than 1048576 bytes (1 MiB), the most a configuration may be.`),
    );
  });

  it('refuses a device such as /dev/urandom at once, without reading it', () => {
    const started = Date.now();
    expect(() => loadConfig('/dev/urandom')).toThrow(
      new ConfigError('Cannot read the configuration file /dev/urandom: it is a device, not a regular file.'),
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses a named pipe without waiting for a writer', () => {
    const pipe = join(dir, 'pipe.json');
    const made = spawnSync('mkfifo', [pipe]);
    expect(made.status).toBe(0);
    expect(() => loadConfig(pipe)).toThrow(
      new ConfigError(`Cannot read the configuration file ${pipe}: it is a named pipe, not a regular file.`),
    );
  });

  describe('read by the synth (main.ts)', () => {
    let bundle: string;
    beforeAll(() => {
      bundle = join(dir, 'main.cjs');
      buildSync({ entryPoints: [join(ROOT, 'main.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'error' });
    });
    const synth = (configFile: string) =>
      spawnSync(process.execPath, [bundle], {
        cwd: dir,
        env: { PATH: process.env.PATH, KEY_INSIGHT_CONFIG: configFile, CDKTF_OUTDIR: join(dir, 'out') },
        encoding: 'utf8',
        timeout: 20_000,
      });

    it('stops KEY_INSIGHT_CONFIG=/dev/urandom with one sentence and exit code 1', () => {
      const run = synth('/dev/urandom');
      expect({ status: run.status, stderr: run.stderr, stdout: run.stdout }).toEqual({
        status: 1,
        stderr: 'Cannot read the configuration file /dev/urandom: it is a device, not a regular file.\n',
        stdout: '',
      });
    });

    it('reports a bad acknowledgement ID together with the schema\'s problems', () => {
      const file = join(dir, 'acknowledged.json');
      const acknowledge = [
        { id: 'KI-NO-SUCH-WARNING', reason: 'Written before the rule was renamed' },
        { id: 'KI-TOKEN-LIFETIME', reason: 'ok' },
      ];
      writeFileSync(file, JSON.stringify(configWith(minimalStack({ acknowledge }))));
      const run = synth(file);
      expect({ status: run.status, stderr: run.stderr }).toEqual({
        status: 1,
        stderr:
          `Invalid configuration in ${file} (2 problems):\n` +
          '  - stacks[0].acknowledge[1].reason is "ok", but must be a written reason of at least 10 characters\n' +
          '  - stacks[0].acknowledge[0].id is "KI-NO-SUCH-WARNING", but must be an acknowledgeable review ID: one of KI-SCAN-READS-DATA, KI-SCAN-UNLISTED, KI-POLICY-ALL-CLIENTS, KI-TOKEN-LIFETIME, KI-ROLE-SESSION, KI-STATE-LOCAL-ACCOUNTS, KI-EXTRA-POLICIES, KI-ORG-NO-AUTO-DEPLOY, KI-ACCOUNT-RETIRED, KI-OKTA-NAMES-SHARED (other errors cannot be acknowledged)\n',
      });
    });
  });
});
