import { ReadinessRegistry } from './health';
import { WorkerHost, workerSettingsFrom } from './workers';

describe('WorkerHost', () => {
  it('does not hold the application up while a worker is still starting, and says so on readiness', async () => {
    const readiness = new ReadinessRegistry();
    const host = new WorkerHost(readiness);
    let joined!: () => void;
    // A consumer waiting for its group, e.g. for the session of a crashed predecessor to end.
    const groupJoined = new Promise<void>((resolve) => (joined = resolve));
    host.register({ name: 'projection.slow', start: () => groupJoined, stop: async () => undefined });

    host.onApplicationBootstrap();
    expect((await readiness.run())['worker:projection.slow']).toEqual({ ok: false, error: 'starting' });

    joined();
    await host.whenStarted();
    expect((await readiness.run())['worker:projection.slow']).toMatchObject({ ok: true });
  });

  it('names a worker that failed to start, with its error', async () => {
    const readiness = new ReadinessRegistry();
    const host = new WorkerHost(readiness);
    host.register({ name: 'relay', start: () => Promise.reject(new Error('broker unreachable')), stop: async () => undefined });
    host.onApplicationBootstrap();
    await host.whenStarted();
    expect((await readiness.run())['worker:relay']).toEqual({ ok: false, error: 'broker unreachable' });
  });

  it('runs no worker in an API-only process (SERVICE_ROLE=api), and none counts for its readiness', async () => {
    const before = process.env.SERVICE_ROLE;
    process.env.SERVICE_ROLE = 'api';
    try {
      const readiness = new ReadinessRegistry();
      const host = new WorkerHost(readiness);
      let started = false;
      host.register({ name: 'projection.client-profiles', start: async () => void (started = true), stop: async () => undefined });
      host.onApplicationBootstrap();
      await host.whenStarted();
      expect(started).toBe(false);
      expect(await readiness.run()).toEqual({});
    } finally {
      if (before === undefined) delete process.env.SERVICE_ROLE;
      else process.env.SERVICE_ROLE = before;
    }
  });
});

describe('workerSettingsFrom', () => {
  it('reads SERVICE_ROLE and WORKER_LEASE_SECONDS, defaulting to both roles and a 10 s lease', () => {
    expect(workerSettingsFrom({})).toEqual({ role: 'all', leaseTtlMs: 10_000 });
    expect(workerSettingsFrom({ SERVICE_ROLE: 'workers', WORKER_LEASE_SECONDS: '4' })).toEqual({ role: 'workers', leaseTtlMs: 4_000 });
  });
});
