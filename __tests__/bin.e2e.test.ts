/**
 * The launchers in bin/ as a user's shell runs them, in a child process: what reaches the real stdout
 * and stderr, and the exit codes. The other CLI tests call the commands in-process; these keep the
 * wiring between them honest. Also the bundle they load (scripts/build-app.cjs `loadTool`): built from
 * the sources, and built again once a source changes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/config';
import { makeTempDir, removeTempDirs, runCliProcess } from './cli/helpers/run-cli';

const work = mkdtempSync(join(tmpdir(), 'ki-bin-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  removeTempDirs();
});

describe('bin/key-insight.cjs', () => {
  it('prints the help on stdout and exits 0', async () => {
    const run = await runCliProcess(['--help'], { cwd: makeTempDir() });

    expect([run.exitCode, run.stderr]).toEqual([0, '']);
    expect(run.stdout.split('\n')[0]).toBe("key-insight: hand a deployed stack's Okta and AWS setup to Fortanix Key Insight");
  });

  it('exits 2 with one line on stderr for a missing outputs file', async () => {
    const run = await runCliProcess(['outputs'], { cwd: makeTempDir() });

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run.stderr).toMatch(/^key-insight: .*key-insight\.outputs\.json/);
  });
});

describe('bin/key-insight-ci.cjs', () => {
  it('exits 2 for an unknown command, naming it', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'key-insight-ci.cjs'), 'no-such-step'], { cwd: makeTempDir(), encoding: 'utf8' });

    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run.stderr).toMatch(/^key-insight-ci: unknown command "no-such-step": /);
  });
});

describe('the bundle a launcher loads', () => {
  /** Loads `entry` through loadTool in a new node process, as a launcher does; prints its `answer`. */
  function load(entry: string, outDir: string): string {
    const script = `console.log(require(${JSON.stringify(join(ROOT, 'scripts', 'build-app.cjs'))}).loadTool(${JSON.stringify(entry)}, ${JSON.stringify(outDir)}).answer)`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    return run.stdout.trim();
  }

  it('is built from the TypeScript sources, kept while they are unchanged, and built again after one changes', () => {
    const entry = join(work, 'tool', 'entry.ts');
    const part = join(work, 'tool', 'part.ts');
    const outDir = join(work, 'build');
    mkdirSync(join(work, 'tool'));
    writeFileSync(part, 'export const value: number = 41;\n');
    writeFileSync(entry, "import { value } from './part';\nexport const answer: number = value + 1;\n");

    expect(load(entry, outDir)).toBe('42');
    const bundle = join(outDir, 'entry.tool.cjs');
    const built = { mtimeMs: statSync(bundle).mtimeMs, text: readFileSync(bundle, 'utf8') };

    expect(load(entry, outDir)).toBe('42');
    expect(statSync(bundle).mtimeMs).toBe(built.mtimeMs);

    writeFileSync(part, 'export const value: number = 99;\n');
    expect(load(entry, outDir)).toBe('100');
    expect(readFileSync(bundle, 'utf8')).not.toBe(built.text);
  });
});
