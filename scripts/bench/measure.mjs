// Runs one command and measures its wall time, CPU time and peak memory.
//
// Peak memory is the peak of the summed resident set size (RSS) of every process in the command's
// tree, sampled from /proc. `cdktf synth` runs npx, the cdktf CLI and the app as separate processes,
// so the largest single process (what /usr/bin/time's %M reports, from getrusage) understates it.
// Sampling can miss a process that lives less than one interval, so the reported peak is never
// below the largest single process that GNU time saw.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const GNU_TIME = '/usr/bin/time';
const SAMPLE_INTERVAL_MS = 20;
const OUTPUT_TAIL_CHARS = 4000;

export const hasGnuTime = existsSync(GNU_TIME);

/** Reads a /proc file of a process that may have exited since it was listed; null if it has. */
function readProcFile(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ESRCH') return null;
    throw error;
  }
}

function parentPids() {
  const parentOf = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcFile(`/proc/${entry}/stat`);
    if (stat === null) continue;
    // Fields after the command name, which is in parentheses and may itself hold spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parentOf.set(Number(entry), Number(fields[1]));
  }
  return parentOf;
}

/** Summed RSS in KiB of the descendants of rootPid (and rootPid itself when includeRoot). */
function treeRssKib(rootPid, includeRoot) {
  const childrenOf = new Map();
  for (const [pid, parent] of parentPids()) {
    if (!childrenOf.has(parent)) childrenOf.set(parent, []);
    childrenOf.get(parent).push(pid);
  }
  const tree = includeRoot ? [rootPid] : [];
  const pending = [...(childrenOf.get(rootPid) ?? [])];
  while (pending.length > 0) {
    const pid = pending.pop();
    tree.push(pid);
    pending.push(...(childrenOf.get(pid) ?? []));
  }
  let total = 0;
  for (const pid of tree) {
    const status = readProcFile(`/proc/${pid}/status`);
    const match = status && /^VmRSS:\s+(\d+) kB$/m.exec(status);
    if (match) total += Number(match[1]);
  }
  return total;
}

/**
 * Runs `command args` in cwd with env. Resolves to { seconds, cpuSeconds, peakTreeKib, largestProcessKib,
 * code, outputTail }; cpuSeconds (user and system time of the command and every process it waited for,
 * as GNU time reports them) and largestProcessKib are null without GNU time.
 */
export async function measure({ command, args = [], cwd, env, scratchDir }) {
  const timeFile = join(scratchDir, 'gnu-time.txt');
  rmSync(timeFile, { force: true });
  const [file, argv] = hasGnuTime
    ? [GNU_TIME, ['-f', '%e %M %U %S', '-o', timeFile, command, ...args]]
    : [command, args];

  let output = '';
  let peakTreeKib = 0;
  const started = performance.now();
  const child = spawn(file, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keepTail = (chunk) => {
    output = (output + chunk).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout.on('data', keepTail);
  child.stderr.on('data', keepTail);
  // GNU time's own few MB are not the command's.
  const sample = () => {
    peakTreeKib = Math.max(peakTreeKib, treeRssKib(child.pid, !hasGnuTime));
  };
  const sampler = setInterval(sample, SAMPLE_INTERVAL_MS);

  const spawnFailure = new Promise((_, reject) => child.on('error', reject));
  const exited = new Promise((resolve) => child.on('exit', (exitCode, signal) => resolve(exitCode ?? signal)));
  // Output may still be arriving after exit; 'close' says it has all been read.
  const closed = new Promise((resolve) => child.on('close', resolve));
  const code = await Promise.race([exited, spawnFailure]);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  await closed;

  let largestProcessKib = null;
  let cpuSeconds = null;
  if (hasGnuTime && existsSync(timeFile)) {
    // GNU time writes "Command exited with non-zero status N" before the format line on failure.
    const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
    const [, maxRss, user, system] = lines[lines.length - 1].split(' ').map(Number);
    largestProcessKib = maxRss;
    cpuSeconds = user + system;
  }
  return {
    seconds,
    cpuSeconds,
    peakTreeKib: Math.max(peakTreeKib, largestProcessKib ?? 0),
    largestProcessKib,
    code,
    outputTail: output,
  };
}
