import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { eventually } from './helpers';

const REPO_ROOT = join(__dirname, '../../../../..');

export interface RunningService {
  readonly url: string;
  stop(): Promise<void>;
}

/** A service the test may also crash: SIGKILL, so no shutdown hook, flush or checkpoint runs. */
export interface KillableService extends RunningService {
  readonly pid: number;
  kill(): Promise<void>;
}

/**
 * A service of `apps/<app>` as its own process, on a free loopback port, with `env` (the test's
 * event store file, database and topic prefix): another service's tests talk to it over HTTP
 * exactly as in production, without importing its context's code. Resolves once it is ready.
 */
export async function startServiceProcess(app: string, env: Record<string, string>, options: { readonly port?: number } = {}): Promise<KillableService> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, ['-r', '@swc-node/register', join(REPO_ROOT, `apps/${app}/src/main.ts`)], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}: ${stderr}`);
        const response = await fetch(`${url}/health/ready`).catch(() => undefined);
        return response?.ok ? true : undefined;
      },
      `${app} to be ready`,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const exitWith = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return { url, pid: child.pid ?? 0, stop: () => exitWith('SIGTERM'), kill: () => exitWith('SIGKILL') };
}

/** A free loopback port, for a server others must know the address of before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
