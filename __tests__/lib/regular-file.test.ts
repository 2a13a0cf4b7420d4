import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileRefusal, readRegularFile, type FileProblem } from '../../lib/regular-file';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ki-regular-file-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemOf(path: string, maxBytes: number): FileProblem {
  try {
    readRegularFile(path, maxBytes);
  } catch (error) {
    if (error instanceof FileRefusal) return error.problem;
    throw error;
  }
  throw new Error(`${path} was read`);
}

describe('readRegularFile', () => {
  it('reads a file of exactly the size allowed', () => {
    writeFileSync(join(dir, 'ten.txt'), '0123456789');

    expect(readRegularFile(join(dir, 'ten.txt'), 10)).toBe('0123456789');
  });

  it('refuses a file one byte larger', () => {
    writeFileSync(join(dir, 'eleven.txt'), '0123456789a');

    expect(problemOf(join(dir, 'eleven.txt'), 10)).toEqual({ kind: 'too-large' });
  });

  it('reads a file larger than one read, whole', () => {
    const text = 'x'.repeat(200 * 1024);
    writeFileSync(join(dir, 'large.txt'), text);

    expect(readRegularFile(join(dir, 'large.txt'), text.length)).toBe(text);
  });

  it('refuses a device without reading from it', () => {
    expect(problemOf('/dev/zero', 10)).toEqual({ kind: 'not-regular', what: 'a device' });
  });

  it('tells a missing file and a folder apart', () => {
    mkdirSync(join(dir, 'folder'));

    expect([problemOf(join(dir, 'missing.txt'), 10), problemOf(join(dir, 'folder'), 10)]).toEqual([{ kind: 'missing' }, { kind: 'folder' }]);
  });
});
