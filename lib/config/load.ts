/** Finding and reading the configuration file. */
import { resolve } from 'node:path';
import { FileRefusal, readRegularFile, type FileProblem } from '../regular-file';
import { ConfigError, DEFAULT_CONFIG_FILE, formatPath, parseConfig, refusal } from './errors';
import type { KeyInsightConfig } from './schema';

export const CONFIG_FILE_ENV = 'KEY_INSIGHT_CONFIG';

// Some editors on Windows start UTF-8 files with a byte-order mark, which JSON.parse refuses.
const BYTE_ORDER_MARK = '\uFEFF';

/** The largest configuration file read: fifty environments of a thousand accounts each fit in far less. */
export const CONFIG_FILE_MAX_BYTES = 1024 * 1024;
/** The deepest nesting of lists and objects read; the schema's own deepest field is 8 levels down. */
export const CONFIG_MAX_NESTING = 32;

/** The configuration file's path: KEY_INSIGHT_CONFIG, or key-insight.config.json in the working directory. */
export function configPath(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return resolve(cwd, env[CONFIG_FILE_ENV] || DEFAULT_CONFIG_FILE);
}

/** Reads and checks the configuration file; `acknowledgeableIds` as for parseConfig. */
export function loadConfig(path: string, acknowledgeableIds?: readonly string[]): KeyInsightConfig {
  const raw = readConfigFile(path);
  const text = raw.startsWith(BYTE_ORDER_MARK) ? raw.slice(BYTE_ORDER_MARK.length) : raw;
  const tooDeep = nestingBeyond(text, CONFIG_MAX_NESTING);
  if (tooDeep !== undefined) {
    const { line, column } = lineAndColumn(text, tooDeep);
    throw new ConfigError(
      `${path} nests lists and objects more than ${CONFIG_MAX_NESTING} levels deep (line ${line}, column ${column}); no configuration is that deep.`,
    );
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    const { offset, reason } = jsonSyntaxError(text);
    const { line, column } = lineAndColumn(text, offset);
    throw new ConfigError(`${path} is not valid JSON at line ${line}, column ${column}: ${reason}.`);
  }
  const duplicates = duplicateKeys(text);
  if (duplicates.length > 0) {
    const lines = duplicates.map(({ path: keyPath, offset, firstOffset }) => {
      const { line } = lineAndColumn(text, offset);
      const first = lineAndColumn(text, firstOffset).line;
      return `  - ${formatPath(keyPath)} is given twice, at line ${first} and line ${line}; JSON would keep only the last one, so give it once`;
    });
    throw refusal(path, lines);
  }
  return parseConfig(input, path, acknowledgeableIds);
}

/** The file's text, when it is a regular file of at most CONFIG_FILE_MAX_BYTES; a sentence otherwise. */
function readConfigFile(path: string): string {
  try {
    return readRegularFile(path, CONFIG_FILE_MAX_BYTES);
  } catch (error) {
    if (!(error instanceof FileRefusal)) throw error;
    throw new ConfigError(refusedFile(path, error.problem));
  }
}

function refusedFile(path: string, problem: FileProblem): string {
  switch (problem.kind) {
    case 'missing':
      return `Configuration file not found: ${path}. Create it, or set ${CONFIG_FILE_ENV} to the path of another file.`;
    case 'folder':
      return `Cannot read the configuration file ${path}: it is a folder, not a file.`;
    case 'not-regular':
      return `Cannot read the configuration file ${path}: it is ${problem.what}, not a regular file.`;
    case 'too-large':
      return `Cannot read the configuration file ${path}: it is larger than ${CONFIG_FILE_MAX_BYTES} bytes (1 MiB), the most a configuration may be.`;
    case 'unreadable':
      if (problem.code === 'ENOTDIR') return `Cannot read the configuration file ${path}: a part of that path is a file, not a folder.`;
      return `Cannot read the configuration file ${path}: ${problem.reason}.`;
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

/**
 * The offset of the first `[` or `{` that opens a level deeper than `limit`, outside strings; undefined
 * when the text nests no deeper. Run before JSON.parse, so that no later step recurses that deep.
 */
function nestingBeyond(text: string, limit: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let at = 0; at < text.length; at += 1) {
    const char = text[at];
    if (inString) {
      if (char === '\\') at += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '[' || char === '{') {
      depth += 1;
      if (depth > limit) return at;
    } else if (char === ']' || char === '}') depth -= 1;
  }
  return undefined;
}

interface DuplicateKey {
  readonly path: readonly PropertyKey[];
  /** Where the key is given again, and where it was first given. */
  readonly offset: number;
  readonly firstOffset: number;
}

/**
 * Every key an object of the text gives more than once, with its path: JSON.parse keeps the last value
 * without a word. The text is valid JSON (JSON.parse read it) nested no deeper than CONFIG_MAX_NESTING.
 */
export function duplicateKeys(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  let at = 0;
  const skipSpace = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at += 1;
  };
  const string = (): string => {
    const start = at;
    at += 1;
    while (text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    at += 1;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const value = (path: readonly PropertyKey[]): void => {
    skipSpace();
    const char = text[at];
    if (char === '{') {
      at += 1;
      const seen = new Map<string, number>();
      for (;;) {
        skipSpace();
        if (text[at] === '}') return void (at += 1);
        if (text[at] === ',') {
          at += 1;
          skipSpace();
        }
        const offset = at;
        const key = string();
        const first = seen.get(key);
        if (first === undefined) seen.set(key, offset);
        else found.push({ path: [...path, key], offset, firstOffset: first });
        skipSpace();
        at += 1; // the colon
        value([...path, key]);
      }
    }
    if (char === '[') {
      at += 1;
      for (let index = 0; ; index += 1) {
        skipSpace();
        if (text[at] === ']') return void (at += 1);
        if (text[at] === ',') at += 1;
        value([...path, index]);
      }
    }
    if (char === '"') return void string();
    while (at < text.length && !',]} \t\n\r'.includes(text[at])) at += 1;
  };
  value([]);
  return found;
}
