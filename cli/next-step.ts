import { DEFAULT_OUTPUTS_FILE, type StackSelection } from './args';

/** A word as a POSIX shell reads it: quoted only when it holds a character the shell would act on. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A key-insight command to print as the next step, carrying the --stack and --outputs-file the current
 * command was given, so that it works as printed on the same file.
 */
export function nextStep(command: string, selection: Pick<StackSelection, 'outputsFile' | 'stack'>): string {
  const stack = selection.stack === undefined ? '' : ` --stack ${shellWord(selection.stack)}`;
  const file = selection.outputsFile === DEFAULT_OUTPUTS_FILE ? '' : ` --outputs-file ${shellWord(selection.outputsFile)}`;
  return `npx key-insight ${command}${stack}${file}`;
}
