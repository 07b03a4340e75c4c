/**
 * Copies the embedded event store into EventStoreDB (or another embedded file), then checks the
 * copy stream by stream. The upgrade path from one machine to a cluster (README).
 *
 *   npm run event-store:copy -- --to 'esdb://node1:2113?tls=true' [--from events.db] [--checkpoint file] [--page 500]
 *   npm run event-store:copy -- --to backup.db --verify-only
 *
 * --from: the embedded store's file (default EVENTSTORE_PATH, `npm run` takes it from
 * deploy/local/local.env). --to: an esdb:// connection string, or a file for an embedded copy.
 * --checkpoint: where the copy keeps its progress (default <from>.copy-checkpoint.json); run the
 * same command again after a crash or Ctrl-C and it goes on from there. Stop the services first
 * (or copy once live, then again with them stopped: the second run copies only what is new).
 * Progress on stderr; the comparison as a table on stdout; exit 1 when a stream differs.
 */
import { existsSync } from 'node:fs';
import { EventStore, EventStoreDbEventStore, SqliteEventStore } from '@salon/shared/event-store';
import { parseCli } from '../bench/support';
import { compareStores, copyEventStore, CopyProgress } from './copy';

const HELP = `usage: npm run event-store:copy -- --to <esdb://… | file.db> [--from <events.db>] [--checkpoint <file>] [--page <events>] [--verify-only]`;

function openTarget(to: string): EventStore {
  return /^esdb(\+discover)?:\/\//.test(to) ? EventStoreDbEventStore.connect(to) : new SqliteEventStore({ path: to });
}

/** Once every 2 s at most: events copied, share of the source, rate. */
function progressPrinter(): (progress: CopyProgress) => void {
  const started = Date.now();
  let printed = 0;
  return ({ copied, skipped, position, lastPosition }) => {
    const now = Date.now();
    if (now - printed < 2_000 && position.commit < lastPosition.commit) return;
    printed = now;
    const share = lastPosition.commit > 0n ? Number((position.commit * 1000n) / lastPosition.commit) / 10 : 100;
    const rate = Math.round(copied / Math.max((now - started) / 1000, 0.001));
    process.stderr.write(`copied ${copied.toLocaleString('en')} events (${skipped.toLocaleString('en')} already there), ${share}% of the source, ${rate.toLocaleString('en')} events/s\n`);
  };
}

async function main(): Promise<number> {
  const cli = parseCli(process.argv.slice(2));
  if (cli.has('help')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const to = cli.get('to');
  const from = cli.get('from') ?? process.env.EVENTSTORE_PATH;
  if (!to || !from) throw new Error(`--to and --from (or EVENTSTORE_PATH) are required\n${HELP}`);
  // Opening a file that is not there would make an empty store, and copy nothing without a word.
  if (!existsSync(from)) throw new Error(`--from ${from}: no such file`);
  const pageSize = Number(cli.get('page') ?? 500);
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error(`--page must be a whole number from 1, got "${cli.get('page')}"`);
  const source = new SqliteEventStore({ path: from });
  const target = openTarget(to);
  try {
    if (!cli.has('verify-only')) {
      const checkpointPath = cli.get('checkpoint') ?? `${from}.copy-checkpoint.json`;
      process.stderr.write(`copying ${from} → ${to.replace(/\/\/[^@/]*@/, '//…@')} (checkpoint ${checkpointPath})\n`);
      const report = await copyEventStore(source, target, { checkpointPath, pageSize, onProgress: progressPrinter() });
      process.stderr.write(`${report.resumed ? 'resumed, ' : ''}copied ${report.copied} events, ${report.skipped} were already there\n`);
    }
    process.stderr.write('comparing every stream (count and sha256)…\n');
    const comparison = await compareStores(source, target);
    const rows = [
      ['streams', comparison.streams, comparison.streams - comparison.missing.length + comparison.extra.length],
      ['events', comparison.sourceEvents, comparison.targetEvents],
      ['streams missing in the target', '', comparison.missing.length],
      ['streams that differ', '', comparison.different.length],
      ['streams only in the target', '', comparison.extra.length],
    ];
    process.stdout.write(`| | source | target |\n|---|---:|---:|\n${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}\n`);
    for (const [what, streams] of [['missing', comparison.missing], ['different', comparison.different]] as const) {
      if (streams.length > 0) process.stdout.write(`${what}: ${streams.slice(0, 20).join(', ')}${streams.length > 20 ? `, … (${streams.length})` : ''}\n`);
    }
    return comparison.missing.length + comparison.different.length === 0 ? 0 : 1;
  } finally {
    await Promise.all([source.close(), target.close()]);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`event-store:copy failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
