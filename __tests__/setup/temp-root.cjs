// One temporary folder per test run, below the TMPDIR the run was started with. Jest's globalSetup makes
// it and points TMPDIR at it before any worker starts, so every worker, every child process that keeps
// TMPDIR, and cdktf's own `cdktf.outdir.*` folders (made in os.tmpdir()) write below it; globalTeardown
// removes it. A run stopped before its teardown leaves this one folder.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Names the run's temporary folder for the workers, and the TMPDIR the run started with. */
const RUN_ROOT = 'KEY_INSIGHT_TEST_TMPDIR';
const STARTED_IN = 'KEY_INSIGHT_TEST_TMPDIR_PARENT';
const PREFIX = 'key-insight-tests-';

function createRunRoot() {
  const parent = os.tmpdir();
  const root = fs.mkdtempSync(path.join(parent, PREFIX));
  // mkdtemp makes it 0700; tests that run a child as another user (an unreadable file's message) need
  // to reach their own folders below it, as they could in TMPDIR itself. Nothing secret is written here.
  fs.chmodSync(root, 0o755);
  process.env[STARTED_IN] = parent;
  process.env[RUN_ROOT] = root;
  process.env.TMPDIR = root;
}

function removeRunRoot() {
  const root = process.env[RUN_ROOT];
  if (root === undefined) return;
  fs.rmSync(root, { recursive: true, force: true });
  process.env.TMPDIR = process.env[STARTED_IN];
}

module.exports = { createRunRoot, removeRunRoot, RUN_ROOT, STARTED_IN, PREFIX };
