import { parseArgs, type ParseArgsConfig } from 'node:util';
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

export type Invocation =
  | { readonly command: 'help'; readonly topic?: 'outputs' | 'verify' | 'rotate-secret' | 'discover' | 'status' }
  | { readonly command: 'outputs'; readonly options: OutputsOptions }
  | { readonly command: 'verify'; readonly options: VerifyOptions }
  | { readonly command: 'rotate-secret'; readonly options: RotateSecretOptions }
  | { readonly command: 'discover'; readonly options: DiscoverOptions }
  | { readonly command: 'status'; readonly options: StatusOptions };

const COMMANDS = 'key-insight outputs | verify | rotate-secret | discover | status';

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
      const values = parseOptions(command, rest, OUTPUTS_OPTIONS);
      if (values.help) return { command: 'help', topic: command };
      return {
        command,
        options: { ...stackSelection(values), format: outputFormat(values.format), showSecret: values['show-secret'] ?? false, accounts: values.accounts ?? false },
      };
    }
    case 'verify': {
      const values = parseOptions(command, rest, VERIFY_OPTIONS);
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
      const [action, ...options] = rest;
      if (action === '--help' || action === '-h') return { command: 'help', topic: command };
      const values = parseOptions(command, options, ROTATE_SECRET_OPTIONS);
      if (values.help) return { command: 'help', topic: command };
      return {
        command,
        options: {
          ...stackSelection(values),
          action: rotateAction(action),
          showSecret: values['show-secret'] ?? false,
          timeoutMs: timeoutMs(values['timeout-ms']),
        },
      };
    }
    case 'discover': {
      const values = parseOptions(command, rest, DISCOVER_OPTIONS);
      if (values.help) return { command: 'help', topic: command };
      if (values.stack !== undefined && values.stack.trim() === '') throw new UsageError('--stack is empty, but must name a stack');
      return { command, options: values.stack === undefined ? {} : { stack: values.stack } };
    }
    case 'status': {
      const values = parseOptions(command, rest, STATUS_OPTIONS);
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
    default:
      throw new UsageError(`unknown command "${command}": use ${COMMANDS} (key-insight --help for more)`);
  }
}

function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const known = Object.keys(options).map((name) => `--${name}`).join(', ');
    throw new UsageError(`${optionProblem(error)} for ${command} (options: ${known})`);
  }
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
