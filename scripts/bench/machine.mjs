import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

function commandOutput(command, args, options) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  return result.status === 0 ? result.stdout.trim() : null;
}

/** What the numbers were measured on; env is the benchmark's environment (Terraform settings). */
export function describeMachine({ env, projectDir }) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const memTotalKib = Number(/^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))[1]);
  const terraformJson = commandOutput('terraform', ['version', '-json'], { env });
  const commit = commandOutput('git', ['rev-parse', 'HEAD'], { cwd: projectDir });
  const changes = commandOutput('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: projectDir });
  return {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGib: memTotalKib / 1024 / 1024,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    npm: commandOutput('npm', ['--version'], { env }) ?? 'not found',
    terraform: terraformJson ? JSON.parse(terraformJson).terraform_version : 'not found',
    commit: commit ? `${commit}${changes ? ' with uncommitted changes' : ''}` : 'not a git checkout',
  };
}
