import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '../../../../..');

/** Runs a TypeScript worker of this folder in its own Node process (compiled on load by SWC). */
export function startWorker(file: string, env: Record<string, string>): ChildProcess {
  return fork(join(__dirname, file), [], {
    cwd: REPO_ROOT,
    execArgv: ['-r', '@swc-node/register'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

export async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = exitOf(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
