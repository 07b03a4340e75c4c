import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { EventStore, EventToAppend, ExpectedRevision, GlobalPosition, RecordedEvent } from '@salon/shared/event-store';

/**
 * Copies every event of one store into another, through the EventStore port: the embedded store
 * of a single machine into the EventStoreDB cluster a chain moves to (README, "Moving from one
 * machine to a cluster"). Stream names, event ids, types, data, metadata, the order within each
 * stream and the order of $all are kept, and each event's first recording time (its createdAt,
 * which consent histories and data packages show) rides along as `recordedAt`.
 *
 * Resumable: the position of the last page copied is kept in a checkpoint file (written whole,
 * then renamed), and a resumed copy asks the target how far each stream it meets has come, so
 * the page a crash cut short is neither lost nor written twice (the events the target already
 * holds, the same ids at the same revisions, are skipped; other events there stop the copy).
 * Verifiable:
 * `compareStores` counts and hashes every stream on both sides.
 */

export interface CopyOptions {
  /** File of the copy's progress; resuming reads it. */
  readonly checkpointPath: string;
  /** Events read from the source per page (default 500). */
  readonly pageSize?: number;
  /** Told after each page. */
  readonly onProgress?: (progress: CopyProgress) => void;
}

export interface CopyProgress {
  /** Events appended to the target by this run. */
  readonly copied: number;
  /** Events the target already held (a resumed copy). */
  readonly skipped: number;
  /** The source position reached, and the source's last (for a share done). */
  readonly position: GlobalPosition;
  readonly lastPosition: GlobalPosition;
}

export interface CopyReport {
  readonly copied: number;
  readonly skipped: number;
  readonly resumed: boolean;
}

interface Checkpoint {
  readonly commit: string;
  readonly prepare: string;
}

/** The target's stream holds events that are not the source's, where the copy would read or write its own. */
export class TargetDiffersError extends Error {
  constructor(streamName: string, what: string) {
    super(`The target's stream "${streamName}" holds other events than the source's: ${what}. Copy into an empty store, or resume with the checkpoint of the copy that wrote it.`);
    this.name = 'TargetDiffersError';
  }
}

export async function copyEventStore(source: EventStore, target: EventStore, options: CopyOptions): Promise<CopyReport> {
  const pageSize = options.pageSize ?? 500;
  const checkpoint = readCheckpoint(options.checkpointPath);
  // Into an empty target with no checkpoint, no stream needs asking about: every one starts new.
  const askTarget = checkpoint !== undefined || (await target.readAll({ maxCount: 1 })).length > 0;
  const lastRevisions = new Map<string, bigint | undefined>();
  const lastRevisionOf = async (streamName: string): Promise<bigint | undefined> => {
    if (lastRevisions.has(streamName)) return lastRevisions.get(streamName);
    const [last] = askTarget ? await target.readStream(streamName, { direction: 'backwards', maxCount: 1 }) : [];
    lastRevisions.set(streamName, last?.revision);
    return last?.revision;
  };

  const [lastEvent] = await source.readAll({ direction: 'backwards', maxCount: 1 });
  const lastPosition = lastEvent?.position ?? { commit: -1n, prepare: -1n };
  let position = checkpoint;
  let copied = 0;
  let skipped = 0;
  for (;;) {
    const page = await source.readAll({ after: position, maxCount: pageSize });
    if (page.length === 0) break;
    for (const run of runsOfOneStream(page)) {
      const streamName = run[0].streamName;
      const targetRevision = await lastRevisionOf(streamName);
      const missing = run.filter((event) => targetRevision === undefined || event.revision > targetRevision);
      await assertTargetHolds(target, run.slice(0, run.length - missing.length));
      skipped += run.length - missing.length;
      if (missing.length === 0) continue;
      const expectedRevision = expectedRevisionFor(streamName, missing[0].revision, targetRevision);
      const result = await target.appendToStream(streamName, missing.map(toAppend), { expectedRevision });
      lastRevisions.set(streamName, result.nextExpectedRevision);
      copied += missing.length;
    }
    position = page[page.length - 1].position;
    writeCheckpoint(options.checkpointPath, position);
    options.onProgress?.({ copied, skipped, position, lastPosition });
  }
  return { copied, skipped, resumed: checkpoint !== undefined };
}

/** Consecutive events of one stream: one append each, as the source recorded them together or in turn. */
function runsOfOneStream(events: readonly RecordedEvent[]): RecordedEvent[][] {
  const runs: RecordedEvent[][] = [];
  for (const event of events) {
    const run = runs[runs.length - 1];
    if (run && run[0].streamName === event.streamName) run.push(event);
    else runs.push([event]);
  }
  return runs;
}

/** The events the target already has at their revisions are these very events (same ids), or the target holds others. */
async function assertTargetHolds(target: EventStore, events: readonly RecordedEvent[]): Promise<void> {
  if (events.length === 0) return;
  const held = await target.readStream(events[0].streamName, { fromRevision: events[0].revision, maxCount: events.length });
  const differs = events.findIndex((event, index) => held[index]?.id !== event.id);
  if (differs >= 0) throw new TargetDiffersError(events[0].streamName, `at revision ${events[differs].revision} it has another event`);
}

function expectedRevisionFor(streamName: string, firstRevision: bigint, targetRevision: bigint | undefined): ExpectedRevision {
  if (targetRevision === undefined && firstRevision === 0n) return 'no_stream';
  // A stream the source deleted and began again starts at 0 in the embedded store; in a fresh target it is new too.
  if (targetRevision === undefined || targetRevision !== firstRevision - 1n) {
    throw new TargetDiffersError(streamName, `it ends at revision ${targetRevision ?? 'none'}, and the source's next event is revision ${firstRevision}`);
  }
  return targetRevision;
}

function toAppend(event: RecordedEvent): EventToAppend {
  return { id: event.id, type: event.type, data: event.data, metadata: event.metadata, recordedAt: event.createdAt };
}

function readCheckpoint(path: string): GlobalPosition | undefined {
  if (!existsSync(path)) return undefined;
  const saved = JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;
  return { commit: BigInt(saved.commit), prepare: BigInt(saved.prepare) };
}

function writeCheckpoint(path: string, position: GlobalPosition): void {
  const saved: Checkpoint = { commit: String(position.commit), prepare: String(position.prepare) };
  writeFileSync(`${path}.tmp`, JSON.stringify(saved));
  renameSync(`${path}.tmp`, path);
}

// --- verification ---------------------------------------------------------------------------

export interface StreamDigest {
  readonly events: number;
  /** sha256 chained over the stream's events in order: id, type, data, metadata, createdAt. */
  readonly sha256: string;
}

/** Every stream of a store, counted and hashed, in one pass over $all (a short digest per stream, not its events). */
export async function streamDigests(store: EventStore, pageSize = 1_000): Promise<Map<string, StreamDigest>> {
  const digests = new Map<string, StreamDigest>();
  let after: GlobalPosition | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: pageSize });
    if (page.length === 0) return digests;
    for (const event of page) {
      const previous = digests.get(event.streamName);
      const sha256 = createHash('sha256')
        .update(previous?.sha256 ?? '')
        .update(canonicalJson({ id: event.id, type: event.type, data: event.data, metadata: event.metadata, createdAt: event.createdAt.toISOString() }))
        .digest('hex');
      digests.set(event.streamName, { events: (previous?.events ?? 0) + 1, sha256 });
    }
    after = page[page.length - 1].position;
  }
}

export interface Comparison {
  readonly streams: number;
  readonly sourceEvents: number;
  readonly targetEvents: number;
  /** Streams of the source the target lacks. */
  readonly missing: readonly string[];
  /** Streams whose count or hash differ. */
  readonly different: readonly string[];
  /** Streams only the target has (written there by something else). */
  readonly extra: readonly string[];
}

export async function compareStores(source: EventStore, target: EventStore): Promise<Comparison> {
  const [left, right] = [await streamDigests(source), await streamDigests(target)];
  const total = (digests: Map<string, StreamDigest>) => [...digests.values()].reduce((sum, digest) => sum + digest.events, 0);
  const missing: string[] = [];
  const different: string[] = [];
  for (const [streamName, digest] of left) {
    const copy = right.get(streamName);
    if (!copy) missing.push(streamName);
    else if (copy.events !== digest.events || copy.sha256 !== digest.sha256) different.push(streamName);
  }
  return {
    streams: left.size,
    sourceEvents: total(left),
    targetEvents: total(right),
    missing,
    different,
    extra: [...right.keys()].filter((streamName) => !left.has(streamName)),
  };
}

/** JSON with the keys of every object sorted, so that two stores' copies of one value hash alike. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
