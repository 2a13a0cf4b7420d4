/** Finding and reading the configuration file. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getSystemErrorMap } from 'node:util';
import { ConfigError, DEFAULT_CONFIG_FILE, parseConfig } from './errors';
import type { KeyInsightConfig } from './schema';

export const CONFIG_FILE_ENV = 'KEY_INSIGHT_CONFIG';

// Some editors on Windows start UTF-8 files with a byte-order mark, which JSON.parse refuses.
const BYTE_ORDER_MARK = '\uFEFF';

/** The configuration file's path: KEY_INSIGHT_CONFIG, or key-insight.config.json in the working directory. */
export function configPath(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return resolve(cwd, env[CONFIG_FILE_ENV] || DEFAULT_CONFIG_FILE);
}

export function loadConfig(path: string): KeyInsightConfig {
  const raw = readConfigFile(path);
  const text = raw.startsWith(BYTE_ORDER_MARK) ? raw.slice(BYTE_ORDER_MARK.length) : raw;
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    const { offset, reason } = jsonSyntaxError(text);
    const { line, column } = lineAndColumn(text, offset);
    throw new ConfigError(`${path} is not valid JSON at line ${line}, column ${column}: ${reason}.`);
  }
  return parseConfig(input, path);
}

function readConfigFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const { code, errno } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT') {
      throw new ConfigError(
        `Configuration file not found: ${path}. Create it, or set ${CONFIG_FILE_ENV} to the path of another file.`,
      );
    }
    if (code === 'EISDIR') {
      throw new ConfigError(`Cannot read the configuration file ${path}: it is a folder, not a file.`);
    }
    if (code === 'ENOTDIR') {
      throw new ConfigError(`Cannot read the configuration file ${path}: a part of that path is a file, not a folder.`);
    }
    // The operating system's own description ("permission denied"), without its error code.
    const reason = errno === undefined ? undefined : getSystemErrorMap().get(errno)?.[1];
    throw new ConfigError(`Cannot read the configuration file ${path}: ${reason ?? 'the system refused to read it'}.`);
  }
}

/** Line and column (both from 1) of an offset in a text. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/**
 * Where and why a text that JSON.parse refused is not JSON. JSON.parse's own message gives an offset for
 * some mistakes only, and quotes the file for others; this scanner finds the first mistake the same way
 * a JSON parser does (RFC 8259), and is only run once JSON.parse has failed.
 */
export function jsonSyntaxError(text: string): { offset: number; reason: string } {
  let at = 0;
  class Stop {
    constructor(
      readonly offset: number,
      readonly reason: string,
    ) {}
  }
  const fail = (reason: string, offset = at): never => {
    throw new Stop(offset, reason);
  };
  const describe = (offset: number) =>
    offset >= text.length ? 'the end of the file' : `${JSON.stringify(text[offset])}`;
  const skipSpace = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at += 1;
  };
  const expect = (char: string, what: string) => {
    skipSpace();
    if (text[at] !== char) fail(`expected ${what}, found ${describe(at)}`);
    at += 1;
  };
  const string = () => {
    at += 1;
    for (;;) {
      if (at >= text.length) fail('a string is not closed before the end of the file');
      const char = text[at];
      if (char === '"') return void (at += 1);
      if (char < ' ') fail('a string holds a line break or control character; write it as an escape such as \\n');
      if (char === '\\') {
        const next = text[at + 1];
        if (next === 'u') {
          for (let digit = at + 2; digit < at + 6; digit += 1) {
            if (!/[0-9a-fA-F]/.test(text[digit] ?? '')) fail('\\u must be followed by 4 hexadecimal digits', digit);
          }
          at += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) at += 2;
        else fail(`${describe(at + 1)} cannot follow \\ in a string`, at + 1);
      } else at += 1;
    }
  };
  const value = (): void => {
    skipSpace();
    const char = text[at];
    if (char === '{') {
      at += 1;
      skipSpace();
      if (text[at] === '}') return void (at += 1);
      for (;;) {
        skipSpace();
        if (text[at] !== '"') fail(`expected a property name in double quotes, found ${describe(at)}`);
        string();
        expect(':', 'a colon after the property name');
        value();
        skipSpace();
        if (text[at] === '}') return void (at += 1);
        if (text[at] !== ',') fail(`expected a comma or }, found ${describe(at)}`);
        at += 1;
      }
    }
    if (char === '[') {
      at += 1;
      skipSpace();
      if (text[at] === ']') return void (at += 1);
      for (;;) {
        value();
        skipSpace();
        if (text[at] === ']') return void (at += 1);
        if (text[at] !== ',') fail(`expected a comma or ], found ${describe(at)}`);
        at += 1;
      }
    }
    if (char === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (char !== word[0]) continue;
      for (const expected of word) {
        if (text[at] !== expected) fail(`expected ${word}, found ${describe(at)}`);
        at += 1;
      }
      return;
    }
    if (char === '-' || isDigit(at)) return number();
    fail(`expected a value, found ${describe(at)}`);
  };
  const isDigit = (offset: number) => offset < text.length && text[offset] >= '0' && text[offset] <= '9';
  const digits = (after: string) => {
    if (!isDigit(at)) fail(`expected a digit after ${after}, found ${describe(at)}`);
    while (isDigit(at)) at += 1;
  };
  const number = () => {
    if (text[at] === '-') at += 1;
    if (text[at] === '0') at += 1;
    else digits('-');
    if (text[at] === '.') {
      at += 1;
      digits('the decimal point');
    }
    if (text[at] === 'e' || text[at] === 'E') {
      at += 1;
      if (text[at] === '+' || text[at] === '-') at += 1;
      digits('the exponent mark');
    }
  };
  try {
    value();
    skipSpace();
    if (at < text.length) fail(`expected the end of the file after the value, found ${describe(at)}`);
  } catch (stop) {
    if (stop instanceof Stop) return { offset: stop.offset, reason: stop.reason };
    throw stop;
  }
  return { offset: at, reason: 'the file is not JSON' };
}
