import { spawnSync } from 'node:child_process';

/** The commit checked out, and what git status lists as changed or untracked (empty when clean). */
function checkoutState(projectDir, reportFile) {
  const git = (args) => spawnSync('git', args, { cwd: projectDir, encoding: 'utf8' });
  const head = git(['rev-parse', 'HEAD']);
  const status = git(['status', '--porcelain', '--untracked-files=all']);
  if (head.status !== 0 || status.status !== 0) {
    throw new Error(`${reportFile} names the commit it measured, but git cannot tell which: ${head.stderr}${status.stderr}`);
  }
  return { commit: head.stdout.trim(), changes: status.stdout.split('\n').filter(Boolean) };
}

/**
 * Refuses a run that would write the report from a checkout other than one clean commit: returns the
 * checkout's state, to compare with at the end of the run (`before`).
 */
export function requireCleanCommit(projectDir, reportFile, before) {
  const now = checkoutState(projectDir, reportFile);
  if (now.changes.length > 0) {
    throw new Error(
      `refusing to write ${reportFile} from a checkout with uncommitted changes (${now.changes.slice(0, 5).join('; ')}${now.changes.length > 5 ? `; and ${now.changes.length - 5} more` : ''}): commit or stash them, or run with --no-write or --quick to print the numbers only`,
    );
  }
  if (before !== undefined && now.commit !== before.commit) {
    throw new Error(`refusing to write ${reportFile}: the checkout moved from ${before.commit} to ${now.commit} during the run`);
  }
  return now;
}
