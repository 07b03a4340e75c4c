import type { Connection } from 'mongoose';
import { EventStore, GlobalPosition, RecordedEvent } from '@salon/shared/event-store';
import { projectInMemory, storable } from './document-fold';
import { IncomingMessage, OutgoingMessage, toIncomingMessage } from './integration-message';
import { Projection, ReadModelDocument } from './projection';
import { ProjectionRunner } from './projection-runner';
import { ReadModelVersions } from './read-model-versions';

export interface RebuildOptions {
  readonly projection: Projection;
  readonly runner: ProjectionRunner;
  readonly store: EventStore;
  readonly mongo: Connection;
  /** The streams whose events feed the projection's topics. */
  readonly streamPrefixes: readonly string[];
  /** The same mapping the relay uses, so a rebuild sees exactly what Kafka consumers see. */
  readonly toMessages: (event: RecordedEvent) => readonly OutgoingMessage[] | Promise<readonly OutgoingMessage[]>;
  readonly batchSize?: number;
  /** Documents per insertMany (and per refresh step) when a rebuild writes what it folded. */
  readonly insertBatchSize?: number;
  readonly onProgress?: (progress: { events: number; messages: number }) => void;
}

export interface RebuildResult {
  readonly version: number;
  readonly collections: Readonly<Record<string, string>>;
  readonly events: number;
  readonly messages: number;
  readonly durationMs: number;
}

/**
 * Rebuilds a projection from the event store into a new version of its collections: folds every
 * stream in memory (the same foldDocument the runner uses, so the documents equal the live
 * ones), bulk-inserts the documents into the new, empty version without guards (nobody else
 * writes it yet), runs the refresh step over them, switches readers over, then catches up
 * through the runner, guarded, with what arrived meanwhile. The live projection keeps running:
 * after the switch it writes into the new version too, and the revision guards make the overlap
 * harmless. Holds the whole read model in memory while it folds.
 */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildResult> {
  const started = Date.now();
  const versions = new ReadModelVersions(options.mongo);
  const collections = options.projection.collections;
  const version = Math.max(...(await Promise.all(collections.map((c) => versions.activeVersion(c))))) + 1;
  const targets = new Map(collections.map((logical) => [logical, `${logical}_v${version}`]));
  for (const physical of targets.values()) {
    await options.mongo.dropCollection(physical).catch(() => undefined);
  }

  const totals = { events: 0, messages: 0 };
  const documents = new Map<string, ReadModelDocument | null>();
  const foldedUpTo = await readMessages(options, undefined, totals, async (messages) => {
    await projectInMemory(options.projection, messages, documents);
  });
  await insertFolded(options, targets, documents);
  for (const logical of collections) await versions.switchTo(logical, version);
  // Events the live projection applied to the old version between our last read and the switch.
  await replay(options, targets, foldedUpTo, totals);

  return {
    version,
    collections: Object.fromEntries(targets),
    ...totals,
    durationMs: Date.now() - started,
  };
}

async function insertFolded(options: RebuildOptions, targets: ReadonlyMap<string, string>, folded: ReadonlyMap<string, ReadModelDocument | null>): Promise<void> {
  const size = options.insertBatchSize ?? 1000;
  const collections = options.runner.collections(targets);
  const target = await collections.collection(options.projection.collections[0]);
  const documents = [...folded].flatMap(([id, document]) => (document === null ? [] : [storable(id, document)]));
  for (let i = 0; i < documents.length; i += size) {
    const chunk = documents.slice(i, i + size);
    await target.insertMany(chunk, { ordered: false });
    await options.projection.refresh?.run(chunk, collections);
  }
}

/**
 * Replays a projection from the event store into the collections readers use now, without a
 * new version: fills in what they miss (e.g. documents lost with a restore older than the
 * stored positions) while the live projection runs. Revision guards make the overlap harmless.
 */
export async function replayProjection(options: RebuildOptions): Promise<Omit<RebuildResult, 'version' | 'collections'>> {
  const started = Date.now();
  const totals = { events: 0, messages: 0 };
  await replay(options, new Map(), undefined, totals);
  return { ...totals, durationMs: Date.now() - started };
}

/** Replays the projection's messages from the event store through the runner (guarded). */
function replay(
  options: RebuildOptions,
  targets: ReadonlyMap<string, string>,
  after: GlobalPosition | undefined,
  totals: { events: number; messages: number },
): Promise<GlobalPosition | undefined> {
  return readMessages(options, after, totals, (messages) => options.runner.write(messages, targets));
}

/** Reads the event store after `after` in batches, hands over the messages of the projection's topics, returns the last position read. */
async function readMessages(
  options: RebuildOptions,
  after: GlobalPosition | undefined,
  totals: { events: number; messages: number },
  handle: (messages: readonly IncomingMessage[]) => Promise<void>,
): Promise<GlobalPosition | undefined> {
  const topics = new Set(options.projection.topics);
  const batchSize = options.batchSize ?? 1000;
  for (;;) {
    const events = await options.store.readAll({ after, maxCount: batchSize, streamPrefixes: options.streamPrefixes });
    if (events.length === 0) return after;
    const published = await Promise.all(events.map((event) => options.toMessages(event)));
    const messages = published
      .flat()
      .filter((message) => topics.has(message.topic))
      .map(toIncomingMessage);
    if (messages.length > 0) await handle(messages);
    after = events[events.length - 1].position;
    totals.events += events.length;
    totals.messages += messages.length;
    options.onProgress?.({ ...totals });
  }
}
