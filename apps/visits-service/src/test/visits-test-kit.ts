import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureHttpApp, loadConfig, WorkerHost } from '@salon/shared/nest';
import { cleanUpServiceEnvironment, eventually } from '@salon/shared/testing';
import { AppModule } from '../app.module';
import { VisitsServiceConfig } from '../config';

const REPO_ROOT = join(__dirname, '../../../..');

export async function startVisitsApp(env: Record<string, string>): Promise<INestApplication> {
  const config = loadConfig(VisitsServiceConfig, env);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forConfig(config)] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  configureHttpApp(app, { name: 'visits-service', description: 'test' });
  // Listening once (loopback, any free port) lets supertest send many requests at a time; an
  // unbound server is bound and closed per request, which resets connections under concurrency.
  await app.listen(0, '127.0.0.1');
  // The HTTP side starts without its workers; the tests expect them running.
  await app.get(WorkerHost).whenStarted();
  return app;
}

export interface RunningService {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * The real clients service as its own process, on a free loopback port, sharing the test's
 * event store file, database, key store and topic prefix: the visits service admits bookings
 * through it over HTTP exactly as in production. (A visits test may not import the clients
 * context's code; it talks to it like any other client of its API.)
 */
export async function startClientsService(env: Record<string, string>): Promise<RunningService> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['-r', '@swc-node/register', join(REPO_ROOT, 'apps/clients-service/src/main.ts')], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, ...env, PORT: String(port), HOST: '127.0.0.1', DEFAULT_PHONE_COUNTRY: 'PL', LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`clients-service exited with ${child.exitCode}: ${stderr}`);
        const response = await fetch(`${url}/health/ready`).catch(() => undefined);
        return response?.ok ? true : undefined;
      },
      'the clients service to be ready',
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** What this suite created: its prefixed topics and its database. */
export const cleanUp = cleanUpServiceEnvironment;

function freePort(): Promise<number> {
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
