/**
 * `npm run bench:event-store [-- --seconds 3 --dir /path]`: the embedded event store's append
 * throughput and latency with group commit off (one transaction, so one fsync, per append) and on
 * (appends that arrive together share one), side by side in one run, for 1 / 8 / 32 / 128
 * concurrent appenders. Each appender appends single events to streams of its own (the same
 * `--streams` in every case, shared out among the appenders, each with `--history` events
 * already) at their exact revision; in the "read, then append" workload it first reads the whole stream, as a command
 * handler does, after one turn of the event loop (as a request arrives). Latency is from the
 * moment an appender is ready to its answer: the wait for the event loop (with group commit off,
 * the other appenders' synchronous commits) included, then the read and the append.
 * Every case has a fresh file in `--dir` (default the system's temp directory: put it on the disk
 * the real store lives on, fsync is what is measured), a short warm-up and `--seconds` of load.
 * Markdown on stdout, progress on stderr; the files are removed at the end.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventToAppend, SqliteEventStore } from '@salon/shared/event-store';
import { bulletList, formatCount, formatRate, machineFacts, markdownTable, progress, resolveOptions } from './support';

const OPTIONS = {
  seconds: { env: 'BENCH_EVENT_STORE_SECONDS', default: 3, description: 'measured seconds per case' },
  'warm-up-ms': { env: 'BENCH_EVENT_STORE_WARM_UP_MS', default: 300, description: 'unmeasured load before each case' },
  streams: { env: 'BENCH_EVENT_STORE_STREAMS', default: 1280, description: 'streams in all, shared out among the appenders' },
  history: { env: 'BENCH_EVENT_STORE_HISTORY', default: 10, description: 'events already in each stream before a case' },
} as const;
const APPENDERS = [1, 8, 32, 128] as const;
const WORKLOADS = ['append', 'read, then append'] as const;
type Workload = (typeof WORKLOADS)[number];

interface CaseResult {
  readonly appends: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly valid: boolean;
}

// About the size of a registration's event: a few encrypted fields and ids.
const anEvent = (): EventToAppend => ({
  id: randomUUID(),
  type: 'ClientRegistered',
  data: { clientId: randomUUID(), phone: { ciphertext: 'x'.repeat(96), keyId: randomUUID() }, name: 'y'.repeat(120), salonId: 'salon-1' },
  metadata: { tenantId: 'bench-chain', correlationId: randomUUID(), causationId: randomUUID(), schemaVersion: 1, actorId: 'bench' },
});

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

async function runCase(
  directory: string,
  groupCommit: boolean,
  appenders: number,
  workload: Workload,
  { seconds, warmUpMs, streams, history }: { seconds: number; warmUpMs: number; streams: number; history: number },
): Promise<CaseResult> {
  const path = join(directory, `${randomUUID()}.db`);
  const store = new SqliteEventStore({ path, groupCommit });
  // The same streams in every case, each with a short history, so that a read costs about the same
  // whatever the number of appenders (the streams grow by throughput × seconds / streams).
  const streamNames = Array.from({ length: streams }, (_, i) => `bench-${i}`);
  const seeded = await Promise.all(
    streamNames.map((stream) =>
      history > 0 ? store.appendToStream(stream, Array.from({ length: history }, anEvent), { expectedRevision: 'no_stream' }) : undefined,
    ),
  );
  const latencies: number[] = [];
  let appends = 0;
  let total = 0;
  let failures = 0;
  const warmUpEnds = performance.now() + warmUpMs;
  const ends = warmUpEnds + seconds * 1000;
  const appender = async (index: number) => {
    const own = streamNames.flatMap((_, i) => (i % appenders === index ? [i] : []));
    const revisions = seeded.map((result) => result?.nextExpectedRevision ?? -1n);
    for (let turn = 0; performance.now() < ends; turn++) {
      const slot = own[turn % own.length];
      const stream = streamNames[slot];
      // From the moment the appender is ready: the wait for the event loop (other appenders'
      // synchronous commits, with group commit off) is part of what a request would wait.
      const started = performance.now();
      await new Promise((resolve) => setImmediate(resolve));
      try {
        let expected = revisions[slot];
        if (workload === 'read, then append') {
          const events = await store.readStream(stream);
          expected = events.length === 0 ? -1n : events[events.length - 1].revision;
        }
        const result = await store.appendToStream(stream, [anEvent()], { expectedRevision: expected < 0n ? 'no_stream' : expected });
        revisions[slot] = result.nextExpectedRevision;
        total++;
      } catch (error) {
        failures++;
        progress(`append failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      const finished = performance.now();
      if (started >= warmUpEnds && finished <= ends) {
        latencies.push(finished - started);
        appends++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: appenders }, (_, index) => appender(index)));
    const stored = (await store.readAll()).length - streams * history;
    latencies.sort((a, b) => a - b);
    return {
      appends,
      perSecond: appends / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      valid: failures === 0 && stored === total,
    };
  } finally {
    await store.close();
    rmSync(path, { force: true });
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
  }
}

function commandLine(argv: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const [name, inline] = argv[i].slice(2).split('=', 2);
    options.set(name, inline ?? argv[++i] ?? '');
  }
  return options;
}

async function main(): Promise<void> {
  const cli = commandLine(process.argv.slice(2));
  const options = resolveOptions(OPTIONS, cli);
  const directory = mkdtempSync(join(cli.get('dir') ?? tmpdir(), 'bench-event-store-'));
  const settings = { seconds: options.seconds, warmUpMs: options['warm-up-ms'], streams: options.streams, history: options.history };
  const rows: string[][] = [];
  let valid = true;
  try {
    for (const workload of WORKLOADS) {
      for (const appenders of APPENDERS) {
        const off = await runCase(directory, false, appenders, workload, settings);
        progress(`${workload}, ${appenders} appenders, group commit off: ${formatRate(off.perSecond)}/s`);
        const on = await runCase(directory, true, appenders, workload, settings);
        progress(`${workload}, ${appenders} appenders, group commit on: ${formatRate(on.perSecond)}/s`);
        valid &&= off.valid && on.valid;
        rows.push([
          workload,
          String(appenders),
          formatRate(off.perSecond),
          off.p50.toFixed(2),
          off.p99.toFixed(2),
          formatRate(on.perSecond),
          on.p50.toFixed(2),
          on.p99.toFixed(2),
          `${(on.perSecond / off.perSecond).toFixed(1)}×`,
        ]);
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  process.stdout.write(
    [
      `## Embedded event store: group commit off vs on (${options.seconds} s per case, single-event appends)`,
      '',
      bulletList({
        ...machineFacts(),
        'file in': cli.get('dir') ?? tmpdir(),
        streams: `${formatCount(options.streams)}, shared out among the appenders, ${options.history} events in each before a case`,
      }),
      '',
      markdownTable(
        ['workload', 'appenders', 'off appends/s', 'off p50 ms', 'off p99 ms', 'on appends/s', 'on p50 ms', 'on p99 ms', 'on / off'],
        rows,
      ),
      '',
      valid
        ? `Checks: every append answered, and the store holds exactly the events answered as appended (${formatCount(rows.length * 2)} cases).`
        : 'Checks FAILED: an append failed or the store does not hold what was answered (see stderr); the numbers mean nothing.',
      '',
    ].join('\n'),
  );
  if (!valid) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
