import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from 'mongoose';
import { ReadModelVersions } from './read-model-versions';

/** READ_MODEL_RETIRE_AFTER_SECONDS by default: far longer than any query, short enough that an old version does not linger. */
export const DEFAULT_READ_MODEL_RETIRE_AFTER_SECONDS = 600;

export interface ReadModelRetirementOptions {
  /** Names the worker on /health/ready. */
  readonly name: string;
  readonly mongo: Connection;
  /** The logical read models whose superseded versions it drops (those of the service's projections). */
  readonly collections: readonly string[];
  /** How long after a switch the versions it replaced are dropped. */
  readonly retireAfterMs: number;
  /** How often it looks; by default a quarter of the grace period, between 0.2 s and 60 s. */
  readonly intervalMs?: number;
}

export type RetirementHealth = {
  /** Always true: a failed sweep is tried again, and leaves the service able to serve. */
  readonly ok: true;
  readonly retired: number;
  readonly lastError?: string;
};

/**
 * Drops the read-model versions a rebuild replaced, once READ_MODEL_RETIRE_AFTER_SECONDS have
 * passed since the switch (ReadModelVersions.retireSuperseded): until then a reader that resolved
 * the old version just before the switch can finish. Runs in every service that owns read
 * models, for the read models of its projections; several instances may run at once (a drop
 * already done is no error).
 */
export class ReadModelRetirement {
  private readonly logger: Logger;
  private readonly versions: ReadModelVersions;
  private loop?: Promise<void>;
  private stopping = false;
  private wake?: AbortController;
  private status: { retired: number; lastError?: string } = { retired: 0 };

  constructor(private readonly options: ReadModelRetirementOptions) {
    this.logger = new Logger(`ReadModelRetirement:${options.name}`);
    this.versions = new ReadModelVersions(options.mongo);
  }

  get name(): string {
    return this.options.name;
  }

  async start(): Promise<void> {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.abort();
    await this.loop;
    this.loop = undefined;
  }

  health(): RetirementHealth {
    return { ok: true, ...this.status };
  }

  /** One sweep; returns the collections dropped. */
  async sweep(now: Date = new Date()): Promise<string[]> {
    const dropped = await this.versions.retireSuperseded(this.options.collections, this.options.retireAfterMs, now);
    for (const name of dropped) this.logger.log(`dropped the superseded read-model version ${name}`);
    this.status.retired += dropped.length;
    return dropped;
  }

  private async run(): Promise<void> {
    const intervalMs = this.options.intervalMs ?? Math.min(60_000, Math.max(200, this.options.retireAfterMs / 4));
    while (!this.stopping) {
      try {
        await this.sweep();
        this.status.lastError = undefined;
      } catch (error) {
        this.status.lastError = error instanceof Error ? error.message : String(error);
        this.logger.warn(`sweep failed, next in ${intervalMs} ms: ${this.status.lastError}`);
      }
      this.wake = new AbortController();
      await sleep(intervalMs, undefined, { signal: this.wake.signal }).catch(() => undefined);
    }
  }
}
