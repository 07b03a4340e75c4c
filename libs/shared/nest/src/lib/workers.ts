import { Global, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { EventRelay, ProjectionRunner } from '@salon/shared/messaging';
import { ReadinessRegistry, ReadinessReport } from './health';

/** Something that runs in the background of a service: a relay, a projection, a policy. */
export interface BackgroundWorker {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Optional: how the worker is doing, shown on /health/ready as `checks["worker:<name>"]`. A
   * worker that keeps running after a failure (retrying, restarting) says so here; without it,
   * the worker counts as healthy once `start()` resolved. Answer quickly (the whole readiness
   * check has 3 s) and without personal data.
   */
  health?(): WorkerHealth | Promise<WorkerHealth>;
}

/**
 * `ok: false` makes the service unready; `state` and `error` say why; any other field (counts,
 * positions, e.g. `deadLetters`, `lag` of a consumer) is shown as is.
 */
export interface WorkerHealth extends ReadinessReport {
  readonly state?: string;
}

/**
 * Starts registered workers once the application is up and stops them on shutdown, in reverse
 * order. The HTTP side does not wait for them: a consumer joining its group can take as long as
 * the session of a crashed predecessor (tens of seconds after a kill -9), and commands only need
 * the event store. Until a worker has started, /health/ready answers 503 naming it "starting";
 * a worker that fails to start is named with its error rather than killing the HTTP side.
 */
@Injectable()
export class WorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHost.name);
  private readonly workers: BackgroundWorker[] = [];
  private readonly failures = new Map<string, string>();
  private readonly running = new Set<string>();
  private starting: Promise<void> = Promise.resolve();
  private started = false;

  constructor(private readonly readiness: ReadinessRegistry) {}

  register(worker: BackgroundWorker): void {
    this.workers.push(worker);
    this.readiness.register(`worker:${worker.name}`, async () => {
      const failure = this.failures.get(worker.name);
      if (failure) throw new Error(failure);
      if (!this.running.has(worker.name)) throw new Error('starting');
      return worker.health?.();
    });
    if (this.started) this.starting = Promise.all([this.starting, this.startOne(worker)]).then(() => undefined);
  }

  onApplicationBootstrap(): void {
    this.started = true;
    this.starting = Promise.all(this.workers.map((worker) => this.startOne(worker))).then(() => undefined);
  }

  /** Resolves once every worker's start has been attempted (tests wait for it; the HTTP side does not). */
  whenStarted(): Promise<void> {
    return this.starting;
  }

  async onApplicationShutdown(): Promise<void> {
    // A start still under way is given a moment to settle, so that it is stopped rather than left behind.
    await Promise.race([this.starting, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    for (const worker of [...this.workers].reverse()) {
      await worker.stop().catch((error: unknown) => this.logger.warn(`${worker.name} did not stop cleanly: ${String(error)}`));
    }
  }

  private async startOne(worker: BackgroundWorker): Promise<void> {
    try {
      await worker.start();
      this.failures.delete(worker.name);
      this.running.add(worker.name);
      this.logger.log(`${worker.name} started`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.failures.set(worker.name, message);
      this.logger.error(`${worker.name} failed to start: ${message}`);
    }
  }
}

@Global()
@Module({ providers: [WorkerHost], exports: [WorkerHost] })
export class WorkersModule {}

/** The relay of one context, as a worker: owns its producer's connection. */
export function relayWorker(relay: EventRelay, producer: Producer): BackgroundWorker {
  return {
    name: relay.name,
    start: async () => {
      await producer.connect();
      await relay.start();
    },
    stop: async () => {
      await relay.stop();
      await producer.disconnect();
    },
    health: () => relay.health(),
  };
}

export function projectionWorker(runner: ProjectionRunner): BackgroundWorker {
  return { name: runner.groupId, start: () => runner.start(), stop: () => runner.stop(), health: () => runner.health() };
}
