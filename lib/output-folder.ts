/**
 * Folders that a variable names (CDKTF_OUTDIR, PLAN_DIR), made and tried before anything is written in
 * them, with one sentence when that cannot be done. Each missing folder is made on its own: Node 20's
 * `mkdirSync(path, { recursive: true })` retries forever where mkdir fails with ENOENT although the
 * parent exists, as it does everywhere in /proc.
 */
import { mkdirSync, mkdtempSync, rmdirSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** A folder variable that names no folder this process can write in; the message is one sentence. */
export class OutputFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputFolderError';
  }
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Why mkdir failed, in words, from its error code. */
function reason(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied in ${dirname(path)}`;
    case 'EROFS':
      return `${dirname(path)} is on a read-only file system`;
    case 'ENOENT':
      return `${dirname(path)} takes no new files or folders`;
    default:
      return `creating ${path} failed (${code ?? String(error)})`;
  }
}

/**
 * Makes the folder `value` (relative to `cwd`) names unless it exists, and checks that a file can be made
 * in it. Returns its absolute path; throws an OutputFolderError naming `variable` otherwise.
 */
export function makeOutputFolder(variable: string, value: string, cwd = process.cwd()): string {
  const folder = resolve(cwd, value);
  const refuse = (why: string) => new OutputFolderError(`${variable} is ${JSON.stringify(value)}, but must name a folder that can be written in: ${why}`);
  const missing: string[] = [];
  let existing = folder;
  let stats = statOf(existing);
  while (stats === undefined && dirname(existing) !== existing) {
    missing.unshift(existing);
    existing = dirname(existing);
    stats = statOf(existing);
  }
  if (stats !== undefined && !stats.isDirectory()) throw refuse(`${existing} is ${stats.isFile() ? 'a file' : 'not a folder'}`);
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (error) {
      // Made meanwhile by another run: as good as made here.
      if (!statOf(path)?.isDirectory()) throw refuse(reason(error, path));
    }
  }
  let probe: string;
  try {
    probe = mkdtempSync(join(folder, '.write-check-'));
  } catch (error) {
    throw refuse(reason(error, join(folder, '.write-check')));
  }
  rmdirSync(probe);
  return folder;
}
