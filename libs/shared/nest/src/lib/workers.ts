import { Global, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { EventRelay, MessageProducer, ProjectionRunner } from '@salon/shared/messaging';
import { ReadinessRegistry, ReadinessReport } from './health';
import { MONGO_CONNECTION } from './infrastructure';
import { HeldLease, leasedWorker, MongoLease } from './worker-lease';

/** Something that runs in the background of a service: a relay, a projection, a policy. */
export interface BackgroundWorker {
  readonly name: string;
  /** `lease`: the lease an exclusive worker was started under (its fencing token), for the writes it fences. */
  start(lease?: HeldLease): Promise<void>;
  stop(): Promise<void>;
  /**
   * Optional: how the worker is doing, shown on /health/ready as `checks["worker:<name>"]`. A
   * worker that keeps running after a failure (retrying, restarting) says so here; without it,
   * the worker counts as healthy once `start()` resolved. Answer quickly (the whole readiness
   * check has 3 s) and without personal data.
   */
  health?(): WorkerHealth | Promise<WorkerHealth>;
  /**
   * One instance at a time in the whole deployment (a relay): the host runs it under a lease in
   * MongoDB named after the worker (worker-lease.ts); the other instances stand by.
   */
  readonly exclusive?: boolean;
}

/** SERVICE_ROLE: what a process of a service runs. `api` and `workers` scale apart (one Deployment each). */
export const SERVICE_ROLES = ['all', 'api', 'workers'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

export interface WorkerSettings {
  readonly role: ServiceRole;
  /** WORKER_LEASE_SECONDS: how long an exclusive worker's lease lasts unrenewed: a dead holder's successor takes over after it. */
  readonly leaseTtlMs: number;
}

/**
 * The settings of the workers, from the environment ServiceConfig validated at start-up (the
 * host is built by Nest, before any configuration object could reach it).
 */
export function workerSettingsFrom(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const role = (SERVICE_ROLES as readonly string[]).includes(env.SERVICE_ROLE ?? '') ? (env.SERVICE_ROLE as ServiceRole) : 'all';
  const seconds = Number(env.WORKER_LEASE_SECONDS);
  return { role, leaseTtlMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_WORKER_LEASE_SECONDS * 1000 };
}

export const DEFAULT_WORKER_LEASE_SECONDS = 10;

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

  private readonly settings = workerSettingsFrom();

  constructor(
    private readonly readiness: ReadinessRegistry,
    // Absent only in tests that build a host without the infrastructure: an exclusive worker then runs unleased.
    @Optional() @Inject(MONGO_CONNECTION) private readonly mongo?: Connection,
  ) {}

  register(registered: BackgroundWorker): void {
    // An API-only process runs no worker, and none counts for its readiness.
    if (this.settings.role === 'api') return;
    const worker = registered.exclusive && this.mongo ? leasedWorker(registered, new MongoLease(this.mongo, registered.name, this.settings.leaseTtlMs)) : registered;
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
export function relayWorker(relay: EventRelay, producer: MessageProducer): BackgroundWorker {
  return {
    name: relay.name,
    // Two relays would publish every event twice and race on the checkpoint.
    exclusive: true,
    start: async (lease) => {
      await producer.connect();
      // Its checkpoints name the lease's token: a holder paused past its lease cannot move them back.
      await relay.start({ fencingToken: lease?.token });
    },
    stop: async () => {
      await relay.stop();
      await producer.disconnect();
    },
    // The lag is read from the store (cached): a relay that cannot read it still reports its state.
    health: async () => ({ ...relay.health(), ...(await relay.lag().catch(() => undefined)) }),
  };
}

export function projectionWorker(runner: ProjectionRunner): BackgroundWorker {
  return { name: runner.groupId, start: () => runner.start(), stop: () => runner.stop(), health: () => runner.health() };
}
