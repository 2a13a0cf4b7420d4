/** Turns what the schema finds wrong into messages in this project's words: path, value, what is allowed. */
import { z } from 'zod';
import { preview } from '../preview';
import { configSchema, type KeyInsightConfig } from './schema';

export const DEFAULT_CONFIG_FILE = 'key-insight.config.json';

/** A configuration the synth refuses. Its message is meant for the person who wrote the file. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    const plain = /^[A-Za-z_$][\w$]*$/.test(name);
    if (!plain) return `${out}[${JSON.stringify(name)}]`;
    return out ? `${out}.${name}` : name;
  }, '');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** One problem: the field, and either what it must be or (`sentence`) the rest of the sentence. */
interface Problem {
  readonly where: string;
  readonly shown: string;
  readonly text: string;
  readonly sentence: boolean;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): Problem | string {
  const where = formatPath(issue.path) || 'the configuration';
  if (issue.code === 'unrecognized_keys') {
    const allowedKeys = Object.keys(objectSchemaAt(issue.path, input)?.shape ?? {});
    const keys = issue.keys.map((key) => JSON.stringify(key)).join(', ');
    const noun = issue.keys.length === 1 ? 'an unknown key' : 'unknown keys';
    return `${where} has ${noun} ${keys}; allowed keys: ${allowedKeys.join(', ')}`;
  }
  if (issue.code === 'invalid_key') {
    const key = issue.path[issue.path.length - 1];
    const parent = formatPath(issue.path.slice(0, -1));
    return `${parent} has the key ${preview(key)}, but keys must be ${issue.issues[0]?.message}`;
  }
  const value = valueAt(input, issue.path);
  const hasValue = value !== undefined || hasKey(input, issue.path);
  const shown = hasValue ? `is ${preview(value)}` : 'is missing';
  const sentence = issue.code === 'custom' && issue.params?.sentence === true;
  const text =
    (issue.code === 'invalid_type' && issue.expected === 'object' && objectAllowed(issue.path, input)) || issue.message;
  return { where, shown, text, sentence };
}

/**
 * What an object field must be, in place of the schema library's "expected object" wording: the keys
 * it must have, and the ones it may have.
 */
function objectAllowed(path: readonly PropertyKey[], input: unknown): string | undefined {
  const shape: Record<string, z.ZodType> | undefined = objectSchemaAt(path, input)?.shape;
  if (shape === undefined) return undefined;
  const keys = Object.keys(shape);
  const required = keys.filter((key) => !shape[key].safeParse(undefined).success);
  const optional = keys.filter((key) => !required.includes(key));
  if (required.length === 0) return `an object with any of ${optional.join(', ')}`;
  const must = required.length === 1 ? required[0] : `${required.slice(0, -1).join(', ')} and ${required[required.length - 1]}`;
  return optional.length === 0 ? `an object with ${must}` : `an object with ${must}, and optionally ${optional.join(', ')}`;
}

/** Each problem once: the schema can find several for one field (a refinement, and a check inside it). */
function problemLines(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  const byField = new Map<string, { where: string; shown: string; allowed: string[] }>();
  const lines: (string | { field: string })[] = [];
  for (const issue of issues) {
    const problem = describeIssue(issue, input);
    if (typeof problem === 'string' || problem.sentence) {
      const line = typeof problem === 'string' ? problem : `${problem.where} ${problem.shown}, ${problem.text}`;
      if (!lines.includes(line)) lines.push(line);
      continue;
    }
    const field = byField.get(problem.where);
    if (field === undefined) {
      byField.set(problem.where, { where: problem.where, shown: problem.shown, allowed: [problem.text] });
      lines.push({ field: problem.where });
    } else if (!field.allowed.includes(problem.text)) {
      field.allowed.push(problem.text);
    }
  }
  return lines.map((line) => {
    if (typeof line === 'string') return `  - ${line}`;
    const { where, shown, allowed } = byField.get(line.field)!;
    return `  - ${where} ${shown}, but must be ${allowed.join(', and ')}`;
  });
}

function hasKey(root: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return true;
  const parent = valueAt(root, path.slice(0, -1));
  return parent !== null && typeof parent === 'object' && Object.prototype.hasOwnProperty.call(parent, path[path.length - 1]);
}

/** The object schema at a path, following the input through lists, maps and the backend's options. */
function objectSchemaAt(path: readonly PropertyKey[], input: unknown): z.ZodObject | undefined {
  let schema: z.ZodType = configSchema;
  let value: unknown = input;
  for (const key of path) {
    schema = pickOption(unwrap(schema), value);
    if (schema instanceof z.ZodObject) schema = schema.shape[key as string];
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    value = valueAt(value, [key]);
    if (schema === undefined) return undefined;
  }
  schema = pickOption(unwrap(schema), value);
  return schema instanceof z.ZodObject ? schema : undefined;
}

/** For a union such as the backend, the option the input's `type` selects. */
function pickOption(schema: z.ZodType, value: unknown): z.ZodType {
  if (!(schema instanceof z.ZodDiscriminatedUnion)) return schema;
  const type = valueAt(value, ['type']);
  const options = schema.options as z.ZodType[];
  return (
    options.find((option) => option instanceof z.ZodObject && option.shape.type.def.values?.includes(type)) ??
    schema
  );
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
    else if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault
    ) {
      current = current.def.innerType as z.ZodType;
    } else return current;
  }
}

/**
 * Checks a parsed JSON value against the schema; throws a ConfigError that lists every problem. Given
 * the IDs the security review lets a configuration acknowledge (its warnings and acknowledgeable errors), the acknowledgements
 * are checked against them in the same run, so that every problem of the file is in one message.
 */
export function parseConfig(input: unknown, source = DEFAULT_CONFIG_FILE, acknowledgeableIds?: readonly string[]): KeyInsightConfig {
  const prototypeKeys = prototypeKeyPaths(input).map(
    (path) => `  - ${formatPath(path) || 'the configuration'} has a "__proto__" key, which is never allowed`,
  );
  if (prototypeKeys.length > 0) throw refusal(source, prototypeKeys);
  const result = configSchema.safeParse(input);
  const acknowledgements = acknowledgeableIds === undefined ? [] : unknownAcknowledgements(input, acknowledgeableIds).map((line) => `  - ${line}`);
  if (result.success && acknowledgements.length === 0) return result.data;
  throw refusal(source, [...(result.success ? [] : problemLines(result.error.issues, input)), ...acknowledgements]);
}

/** A well-formed review ID (the schema checks only the form). */
const ACKNOWLEDGED_ID = /^KI-[A-Z0-9-]+$/;

/**
 * One line for each acknowledgement whose ID has the form of a review ID but is not one of `acknowledgeableIds`.
 * Reads the input as it is, so that it can run beside the schema's own checks of a refused file.
 */
export function unknownAcknowledgements(input: unknown, acknowledgeableIds: readonly string[]): string[] {
  const stacks = valueAt(input, ['stacks']);
  if (!Array.isArray(stacks)) return [];
  return stacks.flatMap((stack, stackIndex) => {
    const acknowledge = valueAt(stack, ['acknowledge']);
    if (!Array.isArray(acknowledge)) return [];
    return acknowledge.flatMap((ack, index) => {
      const id = valueAt(ack, ['id']);
      if (typeof id !== 'string' || !ACKNOWLEDGED_ID.test(id) || acknowledgeableIds.includes(id)) return [];
      return [
        `stacks[${stackIndex}].acknowledge[${index}].id is ${preview(id)}, but must be an acknowledgeable review ID: one of ${acknowledgeableIds.join(', ')} (other errors cannot be acknowledged)`,
      ];
    });
  });
}

export function refusal(source: string, lines: string[]): ConfigError {
  const count = lines.length === 1 ? '1 problem' : `${lines.length} problems`;
  return new ConfigError(`Invalid configuration in ${source} (${count}):\n${lines.join('\n')}`);
}

/**
 * Where the input holds an own `__proto__` key (JSON.parse makes one from `"__proto__": ...`). Such a
 * key is refused everywhere, before the schema runs: copied into an object it would change that
 * object's prototype, and a map such as `tags` would otherwise drop it without a word.
 */
function prototypeKeyPaths(value: unknown, path: PropertyKey[] = []): PropertyKey[][] {
  if (value === null || typeof value !== 'object') return [];
  const here = Object.prototype.hasOwnProperty.call(value, '__proto__') ? [path] : [];
  const children = Array.isArray(value)
    ? value.flatMap((item, index) => prototypeKeyPaths(item, [...path, index]))
    : Object.keys(value)
        .filter((key) => key !== '__proto__')
        .flatMap((key) => prototypeKeyPaths((value as Record<string, unknown>)[key], [...path, key]));
  return [...here, ...children];
}

