/**
 * After the faults: do the read models the live projections built through crashes equal what a
 * rebuild from the event store gives? Waits until everything is delivered and applied, rebuilds
 * with the ops command itself (tools/rebuild-projection.ts, into new collection versions), and
 * compares the versions that were live with the rebuilt ones, document for document.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { Connection } from 'mongoose';
import { CLIENT_PROFILES_COLLECTION, CLIENT_STREAM_PREFIXES } from '@salon/clients/feature';
import { CONSENT_STREAM_PREFIXES } from '@salon/consent/feature';
import { EventStore, comparePositions, formatPosition, parsePosition } from '@salon/shared/event-store';
import { MessagingAdmin, ReadModelVersions } from '@salon/shared/messaging';
import { collectionHash } from '@salon/shared/testing';
import { CLIENT_VISITS_COLLECTION, VISIT_STREAM_PREFIXES } from '@salon/visits/feature';
import { REPO_ROOT, logTail, waitFor } from './processes';

/**
 * What `npm run rebuild` is asked to rebuild, and the read model each must give a new version.
 * Whatever else a rebuild gives a new version (rebuilding client-profiles may rebuild what feeds
 * the card, e.g. the visit ledger) is compared too.
 */
const REBUILDS: readonly { name: string; collection: string }[] = [
  { name: 'client-profiles', collection: CLIENT_PROFILES_COLLECTION },
  { name: 'client-visits', collection: CLIENT_VISITS_COLLECTION },
];

/** Each relay, by the checkpoint name its service gives it (after the topic prefix). */
const RELAYS = [
  { name: 'clients-relay', streamPrefixes: CLIENT_STREAM_PREFIXES },
  { name: 'visits-relay', streamPrefixes: VISIT_STREAM_PREFIXES },
  { name: 'consent-relay', streamPrefixes: CONSENT_STREAM_PREFIXES },
];

export interface Comparison {
  readonly collection: string;
  readonly live: string;
  readonly rebuilt: string;
  readonly documents: number;
  readonly equal: boolean;
  /** When not equal: which documents and fields differ (ids and field names only, never values). */
  readonly differences: readonly string[];
}

export interface RebuildContext {
  readonly store: EventStore;
  readonly mongo: Connection;
  readonly admin: MessagingAdmin;
  readonly topicPrefix: string;
  /** The services' environment (database, event store file, topic prefix, keys). */
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
}

/**
 * Quiet means: every relay has published the last event of its streams, every consumer group of
 * the run (projections and policies) has committed the end of every partition it reads, and
 * nothing was appended since the previous look (policies append, e.g. the consent records).
 * Returns what still lags when the time is up.
 */
export async function awaitQuiet(context: RebuildContext, timeoutMs: number): Promise<readonly string[]> {
  let lagging: string[] = [];
  let previous: string | undefined;
  await waitFor(
    async () => {
      const [last] = await context.store.readAll({ direction: 'backwards', maxCount: 1 });
      const end = last ? formatPosition(last.position) : 'empty';
      lagging = [...(await laggingRelays(context)), ...(await laggingGroups(context))];
      const quiet = lagging.length === 0 && previous === end;
      previous = lagging.length === 0 ? end : undefined;
      return quiet;
    },
    timeoutMs,
    1_000,
  );
  return lagging;
}

async function laggingRelays({ store, mongo, topicPrefix }: RebuildContext): Promise<string[]> {
  const lagging: string[] = [];
  for (const relay of RELAYS) {
    const [last] = await store.readAll({ direction: 'backwards', maxCount: 1, streamPrefixes: relay.streamPrefixes });
    if (!last) continue;
    const checkpoint = await mongo.collection('event_store_checkpoints').findOne({ _id: `${topicPrefix}${relay.name}` as never });
    if (checkpoint === null || comparePositions(parsePosition(String(checkpoint.position)), last.position) < 0) lagging.push(`relay ${relay.name}`);
  }
  return lagging;
}

async function laggingGroups({ admin, topicPrefix }: RebuildContext): Promise<string[]> {
  const groups = await admin.listGroups();
  const lagging: string[] = [];
  for (const groupId of groups.filter((group) => group.includes(topicPrefix))) {
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
      const ends = await admin.fetchTopicOffsets(topic);
      for (const { partition, high, low } of ends) {
        const committed = partitions.find((p) => p.partition === partition)?.offset ?? '-1';
        const position = committed === '-1' ? BigInt(low) : BigInt(committed);
        if (position < BigInt(high)) lagging.push(`group ${groupId} on ${topic}[${partition}]: ${BigInt(high) - position} behind`);
      }
    }
  }
  return lagging;
}

/** Messages in the run's dead-letter topics (a message a consumer gave up on); 0 if there are none. */
export async function deadLetterCount({ admin, topicPrefix }: RebuildContext): Promise<number> {
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix) && topic.includes('dead-letter'));
  let count = 0n;
  for (const topic of topics) {
    for (const { high, low } of await admin.fetchTopicOffsets(topic)) count += BigInt(high) - BigInt(low);
  }
  return Number(count);
}

/** Rebuilds each of REBUILDS with the ops command and compares every collection it gave a new version. */
export async function rebuildAndCompare(context: RebuildContext): Promise<Comparison[]> {
  const comparisons: Comparison[] = [];
  for (const { name, collection } of REBUILDS) {
    const before = await activeVersions(context.mongo);
    await runRebuild(context, name);
    const after = await activeVersions(context.mongo);
    if (after.get(collection) === before.get(collection)) throw new Error(`rebuilding ${name} left ${collection} on ${after.get(collection)}`);
    for (const [logical, rebuilt] of after) {
      const live = before.get(logical);
      if (live !== undefined && live !== rebuilt) comparisons.push(await compare(context.mongo, logical, live, rebuilt));
    }
  }
  return comparisons;
}

/** Each read model of the database (`<logical>_v<n>` collections) and the version readers use now. */
async function activeVersions(mongo: Connection): Promise<Map<string, string>> {
  const versions = new ReadModelVersions(mongo);
  const names = (await mongo.db?.listCollections({}, { nameOnly: true }).toArray()) ?? [];
  const logical = [...new Set(names.map(({ name }) => /^(.*)_v\d+$/.exec(name)?.[1]).filter((name): name is string => name !== undefined))];
  return new Map(await Promise.all(logical.map(async (name) => [name, await versions.activeCollection(name)] as const)));
}

function runRebuild({ env, logFile }: RebuildContext, name: string): Promise<void> {
  const log = openSync(logFile, 'a');
  try {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'tools/rebuild-projection.ts', name], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', log, log],
    });
    return new Promise((resolve, reject) =>
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`rebuild of ${name} failed (exit ${code}):\n${logTail(logFile)}`)),
      ),
    );
  } finally {
    closeSync(log);
  }
}

async function compare(mongo: Connection, logical: string, live: string, rebuilt: string): Promise<Comparison> {
  const [a, b] = await Promise.all([collectionHash(mongo, live), collectionHash(mongo, rebuilt)]);
  const equal = a.hash === b.hash && a.count === b.count;
  return { collection: logical, live, rebuilt, documents: a.count, equal, differences: equal ? [] : await describeDifferences(mongo, live, rebuilt) };
}

/** Documents missing on either side, and per top-level field how many documents differ in it, with a few ids. */
async function describeDifferences(mongo: Connection, live: string, rebuilt: string): Promise<string[]> {
  const [before, after] = await Promise.all([documentsById(mongo, live), documentsById(mongo, rebuilt)]);
  const differences: string[] = [];
  const onlyIn = (side: Map<string, Record<string, string>>, other: Map<string, Record<string, string>>) => [...side.keys()].filter((id) => !other.has(id));
  const sample = (ids: readonly string[]) => `${ids.length} (e.g. ${ids.slice(0, 3).join(', ')})`;
  const onlyLive = onlyIn(before, after);
  const onlyRebuilt = onlyIn(after, before);
  if (onlyLive.length > 0) differences.push(`only in ${live}: ${sample(onlyLive)}`);
  if (onlyRebuilt.length > 0) differences.push(`only in ${rebuilt}: ${sample(onlyRebuilt)}`);
  const byField = new Map<string, string[]>();
  for (const [id, document] of before) {
    const other = after.get(id);
    if (!other) continue;
    for (const field of new Set([...Object.keys(document), ...Object.keys(other)])) {
      if (document[field] !== other[field]) byField.set(field, [...(byField.get(field) ?? []), id]);
    }
  }
  for (const [field, ids] of byField) differences.push(`field ${field} differs in ${sample(ids)}`);
  return differences;
}

/** Each document as its top-level fields in canonical JSON (nested key order is the code's own). */
async function documentsById(mongo: Connection, collection: string): Promise<Map<string, Record<string, string>>> {
  const documents = new Map<string, Record<string, string>>();
  for await (const document of mongo.collection(collection).find({})) {
    documents.set(String(document._id), Object.fromEntries(Object.entries(document).map(([field, value]) => [field, JSON.stringify(value)])));
  }
  return documents;
}
