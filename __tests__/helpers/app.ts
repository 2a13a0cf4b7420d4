import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './config';

/** The app exactly as `cdktf synth` and `npm run synth` run it. */
const APP = join(ROOT, 'scripts', 'app.cjs');

export interface AppRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outdir: string;
}

/** Runs the app in a fresh project folder holding `config` as key-insight.config.json. */
export function runApp(config: unknown, options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): AppRun {
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'ki-project-'));
  if (config !== undefined) {
    writeFileSync(join(cwd, 'key-insight.config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  }
  const outdir = join(cwd, 'cdktf.out');
  const result = spawnSync(process.execPath, [APP], {
    cwd,
    env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, ...options.env, CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outdir };
}

/** Every file below a folder with its content, for comparing and searching output. */
export function filesBelow(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (current: string, prefix: string) => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${entry}/`);
      else files[`${prefix}${entry}`] = readFileSync(path, 'utf8');
    }
  };
  walk(dir, '');
  return files;
}
