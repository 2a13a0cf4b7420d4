/**
 * Runs invocations of both command-line tools in this one process, in turn, for
 * __tests__/odd-inputs.e2e.test.ts: it sends `{ cwd, baseEnv, invocations, start }` over the IPC channel,
 * this process answers `{ started: index }` before each run and `{ finished: index, ... }` after it. A
 * run that never finishes is killed from outside; a second process continues after it.
 */
import { main } from '../../cli/main';
import { ciMain } from '../../scripts/ci/main';

export interface Invocation {
  readonly tool: 'key-insight' | 'key-insight-ci';
  readonly argv: readonly string[];
  /** Variables set on top of the base environment. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface RunnerRequest {
  readonly cwd: string;
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly invocations: readonly Invocation[];
  readonly start: number;
}

export interface Finished {
  readonly finished: number;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Makes process.env exactly `env`: the commands read it as well as the environment they are given. */
function setEnvironment(env: Readonly<Record<string, string>>): void {
  for (const name of Object.keys(process.env)) if (!(name in env)) delete process.env[name];
  Object.assign(process.env, env);
}

async function run(invocation: Invocation): Promise<Omit<Finished, 'finished'>> {
  const out = { stdout: '', stderr: '' };
  const streams = { stdout: (text: string) => (out.stdout += text), stderr: (text: string) => (out.stderr += text) };
  try {
    const exitCode = invocation.tool === 'key-insight' ? await main(invocation.argv, streams) : await ciMain(invocation.argv, process.env, streams);
    return { exitCode, ...out };
  } catch (error) {
    // What the tool's launcher would let escape: Node prints it with its stack and exits 1.
    return { exitCode: 1, stdout: out.stdout, stderr: `${out.stderr}${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n` };
  }
}

process.once('message', async (request: RunnerRequest) => {
  process.chdir(request.cwd);
  for (let index = request.start; index < request.invocations.length; index++) {
    const invocation = request.invocations[index]!;
    setEnvironment({ ...request.baseEnv, ...invocation.env });
    process.send!({ started: index });
    const result = await run(invocation);
    process.send!({ finished: index, ...result } satisfies Finished);
  }
  process.disconnect();
});
