/**
 * A fixed-rate (open-loop) HTTP load generator for the benchmarks: requests are started at the
 * asked rate whatever the answers' speed, on at most `connections` keep-alive connections, as an
 * HTTP load tool such as autocannon does with `--connections` and `--overallRate`. A request
 * that is due while every connection is busy is not sent and counts as `dropped`: a service
 * that cannot keep up shows a served rate below the asked one, instead of the load slowing down
 * to its pace (which would hide the saturation).
 */
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface HttpCall {
  readonly method: string;
  /** Path and query on the target. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** One keep-alive client of one service, for seeding and for the load. */
export class HttpTarget {
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(baseUrl: string, connections: number) {
    this.url = new URL(baseUrl);
    if (!['127.0.0.1', 'localhost'].includes(this.url.hostname)) throw new Error(`loopback only: ${this.url.hostname}`);
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  send(call: HttpCall): Promise<HttpAnswer> {
    const payload = call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body));
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          method: call.method,
          path: call.path,
          headers: { ...call.headers, ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) },
          timeout: 30_000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error('timed out after 30 s')));
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface LoadOptions {
  /** Requests per second to start. */
  readonly rate: number;
  readonly seconds: number;
  /** At most this many requests in flight (the connections of the pool). */
  readonly connections: number;
  readonly target: HttpTarget;
  /** The n-th request sent (0-based): dropped requests take no index, so seeded items are used in order. */
  readonly call: (index: number) => HttpCall;
  /** Whether an answer is the expected one (default: 2xx). */
  readonly ok?: (answer: HttpAnswer) => boolean;
}

export interface LoadResult {
  readonly asked: number;
  readonly sent: number;
  readonly dropped: number;
  readonly ok: number;
  /** Non-expected answers by status ("network" for no answer). */
  readonly errors: Readonly<Record<string, number>>;
  /** Expected answers per second over the load's duration. */
  readonly servedPerSecond: number;
  /** Latency of every answer, ms: p50, p90, p99, max. */
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
}

/** Starts `rate × seconds` requests on schedule, waits for the last answer, and tallies them. */
export async function fixedRateLoad(options: LoadOptions): Promise<LoadResult> {
  const total = Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let sent = 0;
  let dropped = 0;
  let ok = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const isOk = options.ok ?? ((answer: HttpAnswer) => answer.status >= 200 && answer.status < 300);

  const fire = (index: number) => {
    inFlight++;
    const startedAt = performance.now();
    const done = options.target
      .send(options.call(index))
      .then(
        (answer) => {
          latencies.push(performance.now() - startedAt);
          if (isOk(answer)) ok++;
          else errors[String(answer.status)] = (errors[String(answer.status)] ?? 0) + 1;
        },
        () => {
          latencies.push(performance.now() - startedAt);
          errors.network = (errors.network ?? 0) + 1;
        },
      )
      .finally(() => {
        inFlight--;
        pending.delete(done);
      });
    pending.add(done);
  };

  const startedAt = performance.now();
  while (sent + dropped < total) {
    const due = Math.min(total, Math.floor(((performance.now() - startedAt) / 1000) * options.rate));
    while (sent + dropped < due) {
      if (inFlight < options.connections) fire(sent++);
      else dropped++;
    }
    // A timer tick, not a busy loop: the services share the machine's cores with this process.
    await sleep(2);
  }
  await Promise.all(pending);
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (share: number) => (latencies.length === 0 ? 0 : latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))]);
  return {
    asked: total,
    sent,
    dropped,
    ok,
    errors,
    servedPerSecond: ok / Math.max(elapsedSeconds, options.seconds),
    latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: latencies.at(-1) ?? 0 },
  };
}

/** Runs `work` for items 0…count-1 with `concurrency` at a time (seeding). */
export async function inParallel(count: number, concurrency: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}
