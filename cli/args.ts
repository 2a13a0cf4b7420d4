import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ENVIRONMENT_NAME } from '../lib/stack-names';
import { UsageError } from './usage-error';

/** Where `cdktf deploy|output --outputs-file` is told to write, relative to the current directory. */
export const DEFAULT_OUTPUTS_FILE = 'key-insight.outputs.json';
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Upper bound for --timeout-ms: ten minutes is already far past any useful wait for one request. */
export const MAX_TIMEOUT_MS = 600_000;
export const OUTPUT_FORMATS = ['table', 'json', 'env'] as const;

export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface StackSelection {
  /** Path of the outputs file, as given (relative paths resolve against the current directory). */
  readonly outputsFile: string;
  /** @default - the only stack in the file that has a client_id output */
  readonly stack?: string;
}

export interface OutputsOptions extends StackSelection {
  readonly format: OutputFormat;
  readonly showSecret: boolean;
  /** List the member accounts of an organization environment by asking AWS Organizations. */
  readonly accounts: boolean;
}

export interface VerifyOptions extends StackSelection {
  readonly json: boolean;
  readonly timeoutMs: number;
  readonly assumeRole: boolean;
}

export const ROTATE_ACTIONS = ['start', 'finish', 'abort'] as const;
export type RotateAction = (typeof ROTATE_ACTIONS)[number];

export interface RotateSecretOptions extends StackSelection {
  readonly action: RotateAction;
  /** Print the new secret once instead of writing it into the outputs file (start only). */
  readonly showSecret: boolean;
  readonly timeoutMs: number;
}

/** Default of --max-scan-age-hours: a daily scan that slipped by a day is still fine. */
export const DEFAULT_MAX_SCAN_AGE_HOURS = 48;
/** Upper bound for --max-scan-age-hours: a year. */
export const MAX_SCAN_AGE_HOURS = 8760;

export interface StatusOptions extends StackSelection {
  readonly json: boolean;
  /** A completed scan must have ended within this many hours. */
  readonly maxScanAgeHours: number;
  readonly timeoutMs: number;
}

export interface DiscoverOptions {
  /** @default - every stack of the configuration */
  readonly stack?: string;
}

export interface RenameStackOptions {
  /** The environment's name before the rename: the name its states are kept under. */
  readonly from: string;
  /** Its name in the configuration now. */
  readonly to: string;
}

export type Invocation =
  | { readonly command: 'help'; readonly topic?: 'outputs' | 'verify' | 'rotate-secret' | 'discover' | 'status' | 'rename-stack' }
  | { readonly command: 'outputs'; readonly options: OutputsOptions }
  | { readonly command: 'verify'; readonly options: VerifyOptions }
  | { readonly command: 'rotate-secret'; readonly options: RotateSecretOptions }
  | { readonly command: 'discover'; readonly options: DiscoverOptions }
  | { readonly command: 'status'; readonly options: StatusOptions }
  | { readonly command: 'rename-stack'; readonly options: RenameStackOptions };

const COMMANDS = 'key-insight outputs | verify | rotate-secret | discover | status | rename-stack';

const STACK_SELECTION_OPTIONS = {
  'outputs-file': { type: 'string' },
  stack: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const OUTPUTS_OPTIONS = {
  ...STACK_SELECTION_OPTIONS,
  format: { type: 'string' },
  'show-secret': { type: 'boolean' },
  accounts: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

const VERIFY_OPTIONS = {
  ...STACK_SELECTION_OPTIONS,
  json: { type: 'boolean' },
  'timeout-ms': { type: 'string' },
  'assume-role': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

const ROTATE_SECRET_OPTIONS = {
  ...STACK_SELECTION_OPTIONS,
  'show-secret': { type: 'boolean' },
  'timeout-ms': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const STATUS_OPTIONS = {
  ...STACK_SELECTION_OPTIONS,
  json: { type: 'boolean' },
  'max-scan-age-hours': { type: 'string' },
  'timeout-ms': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const DISCOVER_OPTIONS = {
  stack: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const RENAME_STACK_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export function parseInvocation(argv: readonly string[]): Invocation {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      throw new UsageError(`missing command: ${COMMANDS} (key-insight --help for more)`);
    case 'help':
    case '--help':
    case '-h':
      return { command: 'help' };
    case 'outputs': {
      const { values } = parseOptions(command, rest, OUTPUTS_OPTIONS);
      if (values.help) return { command: 'help', topic: command };
      return {
        command,
        options: { ...stackSelection(values), format: outputFormat(values.format), showSecret: values['show-secret'] ?? false, accounts: values.accounts ?? false },
      };
    }
    case 'verify': {
      const { values } = parseOptions(command, rest, VERIFY_OPTIONS);
      if (values.help) return { command: 'help', topic: command };
      return {
        command,
        options: {
          ...stackSelection(values),
          json: values.json ?? false,
          timeoutMs: timeoutMs(values['timeout-ms']),
          assumeRole: values['assume-role'] ?? false,
        },
      };
    }
    case 'rotate-secret': {
      const { values, positionals } = parseOptions(command, rest, ROTATE_SECRET_OPTIONS, true);
      if (values.help) return { command: 'help', topic: command };
      if (positionals.length > 1) {
        throw new UsageError(`rotate-secret takes one step (${ROTATE_ACTIONS.join(' | ')}), but was given ${positionals.map((value) => `"${value}"`).join(', ')}`);
      }
      return {
        command,
        options: {
          ...stackSelection(values),
          action: rotateAction(positionals[0]),
          showSecret: values['show-secret'] ?? false,
          timeoutMs: timeoutMs(values['timeout-ms']),
        },
      };
    }
    case 'discover': {
      const { values } = parseOptions(command, rest, DISCOVER_OPTIONS);
      if (values.help) return { command: 'help', topic: command };
      if (values.stack !== undefined && values.stack.trim() === '') throw new UsageError('--stack is empty, but must name a stack');
      return { command, options: values.stack === undefined ? {} : { stack: values.stack } };
    }
    case 'status': {
      const { values } = parseOptions(command, rest, STATUS_OPTIONS);
      if (values.help) return { command: 'help', topic: command };
      return {
        command,
        options: {
          ...stackSelection(values),
          json: values.json ?? false,
          maxScanAgeHours: maxScanAgeHours(values['max-scan-age-hours']),
          timeoutMs: timeoutMs(values['timeout-ms']),
        },
      };
    }
    case 'rename-stack': {
      const { values, positionals } = parseOptions(command, rest, RENAME_STACK_OPTIONS, true);
      if (values.help) return { command: 'help', topic: command };
      if (positionals.length !== 2) {
        throw new UsageError(`rename-stack takes two names, the environment's old name and its new one (rename-stack OLD NEW), but was given ${positionals.length}`);
      }
      const [from, to] = [environmentName(positionals[0]!, 'OLD'), environmentName(positionals[1]!, 'NEW')];
      if (from === to) throw new UsageError(`rename-stack OLD and NEW are both "${from}": give the old and the new name`);
      return { command, options: { from, to } };
    }
    default:
      throw new UsageError(`unknown command "${command}": use ${COMMANDS} (key-insight --help for more)`);
  }
}

/**
 * Parses the options of one command, before or after its positional arguments (allowed only when
 * `positionals` is true). A value starting with "-" is taken as the option's value when it looks like
 * a number (`--timeout-ms -5`), so that the option's own check explains why it is refused. An option
 * that takes a value may be given once.
 */
function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: T, positionals = false) {
  const takesValue = (arg: string | undefined) => arg !== undefined && arg.startsWith('--') && (options as ParseArgsConfig['options'])![arg.slice(2)]?.type === 'string';
  const joined: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const [arg, next] = [args[index]!, args[index + 1]];
    if (takesValue(arg) && next !== undefined && /^-[\d.]/.test(next)) {
      joined.push(`${arg}=${next}`);
      index++;
    } else {
      joined.push(arg);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args: joined, options, strict: true, allowPositionals: positionals, tokens: true });
  } catch (error) {
    const known = Object.keys(options).map((name) => `--${name}`).join(', ');
    throw new UsageError(`${optionProblem(error)} for ${command} (options: ${known})`);
  }
  const given = new Map<string, string[]>();
  for (const token of parsed.tokens) {
    if (token.kind === 'option' && token.value !== undefined) given.set(token.name, [...(given.get(token.name) ?? []), token.value]);
  }
  for (const [name, values] of given) {
    if (values.length > 1) throw new UsageError(`--${name} is given ${values.length} times (${values.map((value) => JSON.stringify(value)).join(', ')}), but takes one value`);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/** parseArgs explains itself at length; keep the part that names the problem. */
function optionProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('. ')[0] ?? message;
}

function stackSelection(values: { 'outputs-file'?: string; stack?: string }): StackSelection {
  const outputsFile = values['outputs-file'] ?? DEFAULT_OUTPUTS_FILE;
  if (outputsFile.trim() === '') throw new UsageError('--outputs-file is empty, but must name a file');
  if (values.stack !== undefined && values.stack.trim() === '') throw new UsageError('--stack is empty, but must name a stack');
  return values.stack === undefined ? { outputsFile } : { outputsFile, stack: values.stack };
}

/** A name on the command line that must be an environment's name, as the configuration allows it. */
function environmentName(value: string, which: 'OLD' | 'NEW'): string {
  if (!ENVIRONMENT_NAME.test(value)) {
    throw new UsageError(`rename-stack ${which} is ${JSON.stringify(value)}, but must be an environment's name: a letter, then up to 49 letters, digits, _ and -`);
  }
  return value;
}

function rotateAction(value: string | undefined): RotateAction {
  const action = ROTATE_ACTIONS.find((allowed) => allowed === value);
  if (action === undefined) {
    const given = value === undefined ? 'missing' : `"${value}"`;
    throw new UsageError(`rotate-secret needs a step first: ${ROTATE_ACTIONS.join(' | ')} (the step is ${given})`);
  }
  return action;
}

function outputFormat(value: string | undefined): OutputFormat {
  if (value === undefined) return 'table';
  const format = OUTPUT_FORMATS.find((allowed) => allowed === value);
  if (format === undefined) throw new UsageError(`--format is set to "${value}", but must be one of ${OUTPUT_FORMATS.join(', ')}`);
  return format;
}

function timeoutMs(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(parsed >= 1 && parsed <= MAX_TIMEOUT_MS)) {
    throw new UsageError(`--timeout-ms is set to "${value}", but must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  }
  return parsed;
}

function maxScanAgeHours(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_SCAN_AGE_HOURS;
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(parsed >= 1 && parsed <= MAX_SCAN_AGE_HOURS)) {
    throw new UsageError(`--max-scan-age-hours is set to "${value}", but must be a whole number of hours from 1 to ${MAX_SCAN_AGE_HOURS}`);
  }
  return parsed;
}
