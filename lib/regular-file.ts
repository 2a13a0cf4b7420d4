/** Reading a file a person names: a regular file only, and only up to a size. */
import { closeSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { getSystemErrorMap } from 'node:util';

const READ_CHUNK_BYTES = 64 * 1024;

/** Why a file was not read; each reader words it in its own terms. */
export type FileProblem =
  | { readonly kind: 'missing' }
  | { readonly kind: 'folder' }
  /** A device or a pipe, which a read could wait on, or fill memory from, forever. */
  | { readonly kind: 'not-regular'; readonly what: string }
  | { readonly kind: 'too-large' }
  /** `reason` is the operating system's own description ("permission denied"), without its code. */
  | { readonly kind: 'unreadable'; readonly code?: string; readonly reason: string };

export class FileRefusal extends Error {
  public override readonly name = 'FileRefusal';

  public constructor(public readonly problem: FileProblem) {
    super(`file refused: ${problem.kind}`);
  }
}

/** The file's text, when it is a regular file of at most `maxBytes`; a FileRefusal otherwise. */
export function readRegularFile(path: string, maxBytes: number): string {
  const stats = statOf(path);
  if (stats.isDirectory()) throw new FileRefusal({ kind: 'folder' });
  if (!stats.isFile()) throw new FileRefusal({ kind: 'not-regular', what: otherKind(stats) });
  if (stats.size > maxBytes) throw new FileRefusal({ kind: 'too-large' });
  const descriptor = openFile(path);
  try {
    // Read until the end, not only the size stat gave: a file that grew since is refused all the same.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(maxBytes + 1 - length, READ_CHUNK_BYTES));
      const read = readInto(descriptor, chunk);
      if (read === 0) break;
      length += read;
      if (length > maxBytes) throw new FileRefusal({ kind: 'too-large' });
      chunks.push(chunk.subarray(0, read));
    }
    return Buffer.concat(chunks, length).toString('utf8');
  } finally {
    closeSync(descriptor);
  }
}

function statOf(path: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    throw unreadable(error);
  }
}

function otherKind(stats: Stats): string {
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  return 'something other than a file';
}

/** One read; a file that opens but refuses to be read (/proc/self/mem: EIO) is refused like one that cannot be opened. */
function readInto(descriptor: number, chunk: Buffer): number {
  try {
    return readSync(descriptor, chunk, 0, chunk.length, null);
  } catch (error) {
    throw unreadable(error);
  }
}

function openFile(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (error) {
    throw unreadable(error);
  }
}

function unreadable(error: unknown): FileRefusal {
  const { code, errno } = error as NodeJS.ErrnoException;
  if (code === 'ENOENT') return new FileRefusal({ kind: 'missing' });
  if (code === 'EISDIR') return new FileRefusal({ kind: 'folder' });
  const reason = errno === undefined ? undefined : getSystemErrorMap().get(errno)?.[1];
  return new FileRefusal({ kind: 'unreadable', ...(code === undefined ? {} : { code }), reason: reason ?? 'the system refused to read it' });
}
