import { ReadinessRegistry } from './health';
import { WorkerHost } from './workers';

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
});
