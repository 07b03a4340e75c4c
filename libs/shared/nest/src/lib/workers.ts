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
 * order. A worker that fails to start makes /health/ready answer 503 (naming it) rather than
 * killing the HTTP side, so operators see why.
 */
@Injectable()
export class WorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHost.name);
  private readonly workers: BackgroundWorker[] = [];
  private readonly failures = new Map<string, string>();
  private started = false;

  constructor(private readonly readiness: ReadinessRegistry) {}

  register(worker: BackgroundWorker): void {
    this.workers.push(worker);
    this.readiness.register(`worker:${worker.name}`, async () => {
      const failure = this.failures.get(worker.name);
      if (failure) throw new Error(failure);
      if (!this.started) throw new Error('not started yet');
      return worker.health?.();
    });
    if (this.started) void this.startOne(worker);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.started = true;
    await Promise.all(this.workers.map((worker) => this.startOne(worker)));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const worker of [...this.workers].reverse()) {
      await worker.stop().catch((error: unknown) => this.logger.warn(`${worker.name} did not stop cleanly: ${String(error)}`));
    }
  }

  private async startOne(worker: BackgroundWorker): Promise<void> {
    try {
      await worker.start();
      this.failures.delete(worker.name);
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
