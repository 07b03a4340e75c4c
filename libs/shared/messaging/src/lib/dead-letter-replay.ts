import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { DEAD_LETTER_HEADERS } from '@salon/contracts';
import { DeadLetter, fromDeadLetterMessage } from './dead-letters';
import type { MessagingClient } from './messaging-port';

/**
 * The operations side of the dead letters (`npm run dead-letters`): read what is there, and
 * re-publish dead letters to their source topic once the code that refused them is fixed, so
 * the consumer groups process them again. Replays are recorded in MongoDB
 * (`dead_letter_replays`), so replaying twice publishes nothing twice.
 */

interface ReplayRecord {
  /** `<dead-letter topic>/<dead-letter id>` */
  _id: string;
  deadLetterId: string;
  group: string;
  source: DeadLetter['source'];
  replayedAt: Date;
  /** Where the replay landed in the source topic. */
  replayedTo: { partition: number; offset: string };
}

export interface DeadLetterSelection {
  /** Only this consumer group's dead letters. */
  readonly group?: string;
  /** Only these (ids as listed); an unknown id is an error. */
  readonly ids?: readonly string[];
}

export interface ListedDeadLetter extends DeadLetter {
  /** When it was replayed; absent while it was not. */
  readonly replayedAt?: string;
}

export interface ReplayResult {
  readonly replayed: readonly ListedDeadLetter[];
  /** Selected but replayed before: left alone. */
  readonly alreadyReplayed: readonly ListedDeadLetter[];
}

/**
 * Reads the whole dead-letter topic as it is now (up to its high watermarks) with a throwaway
 * consumer group, deleted afterwards: nothing is committed for anyone else.
 */
export async function readDeadLetters(kafka: MessagingClient, topic: string, { timeoutMs = 30_000 } = {}): Promise<DeadLetter[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `${topic}.reader-${randomUUID()}`;
  try {
    const ends = new Map(
      (await admin.fetchTopicOffsets(topic)).filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]),
    );
    if (ends.size === 0) return [];
    const letters: DeadLetter[] = [];
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      let finished!: () => void;
      const allRead = new Promise<void>((resolve) => (finished = resolve));
      const pending = new Set(ends.keys());
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const end = ends.get(batch.partition);
          if (end === undefined) return;
          for (const message of batch.messages) {
            if (BigInt(message.offset) < end) letters.push(fromDeadLetterMessage(batch.partition, message));
            if (BigInt(message.offset) >= end - 1n) pending.delete(batch.partition);
          }
          if (pending.size === 0) finished();
        },
      });
      await withDeadline(allRead, timeoutMs, () => `read ${letters.length} dead letters of ${topic}, not all, within ${timeoutMs} ms`);
    } finally {
      await consumer.disconnect();
    }
    return letters.sort(byTopicPosition);
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** The dead letters of the topic that match the selection, each with its replay, if any. */
export async function listDeadLetters(
  kafka: MessagingClient,
  mongo: Connection,
  topic: string,
  selection: DeadLetterSelection = {},
): Promise<ListedDeadLetter[]> {
  const selected = selectDeadLetters(await readDeadLetters(kafka, topic), selection);
  const records = await replays(mongo)
    .find({ _id: { $in: selected.map((letter) => replayId(topic, letter.id)) } })
    .toArray();
  const replayedAt = new Map(records.map((record) => [record.deadLetterId, record.replayedAt.toISOString()]));
  return selected.map((letter) => ({ ...letter, replayedAt: replayedAt.get(letter.id) }));
}

/**
 * Re-publishes the selected dead letters that were not replayed yet to their source topics:
 * the original key, value and headers, plus `dead-letter-replay-of`. A source message that
 * several groups dead-lettered is published once. Each replay is recorded right after the broker
 * acknowledged it; a crash in between may publish one message twice, which consumers skip as a
 * redelivery (they de-duplicate by stream revision).
 */
export async function replayDeadLetters(
  kafka: MessagingClient,
  mongo: Connection,
  topic: string,
  selection: DeadLetterSelection = {},
): Promise<ReplayResult> {
  const listed = await listDeadLetters(kafka, mongo, topic, selection);
  const alreadyReplayed = listed.filter((letter) => letter.replayedAt !== undefined);
  const pending = listed.filter((letter) => letter.replayedAt === undefined);
  const producer = kafka.producer();
  await producer.connect();
  const replayed: ListedDeadLetter[] = [];
  try {
    for (const letters of groupBySource(pending)) {
      const [first] = letters;
      const [landed] = await producer.send({
        topic: first.source.topic,
        messages: [{ key: first.key, value: first.value, headers: { ...first.headers, [DEAD_LETTER_HEADERS.replayOf]: first.id } }],
      });
      const replayedAt = new Date();
      for (const letter of letters) {
        const record: ReplayRecord = {
          _id: replayId(topic, letter.id),
          deadLetterId: letter.id,
          group: letter.group,
          source: letter.source,
          replayedAt,
          replayedTo: { partition: landed.partition, offset: landed.offset },
        };
        await replays(mongo).updateOne({ _id: record._id }, { $setOnInsert: record }, { upsert: true });
        replayed.push({ ...letter, replayedAt: replayedAt.toISOString() });
      }
    }
  } finally {
    await producer.disconnect();
  }
  return { replayed, alreadyReplayed };
}

/** Pure: the dead letters a selection names, refusing ids that are not there (a typo replays nothing). */
export function selectDeadLetters(letters: readonly DeadLetter[], { group, ids }: DeadLetterSelection): DeadLetter[] {
  if (ids && ids.length > 0) {
    const known = new Set(letters.map((letter) => letter.id));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new Error(`no dead letter with id ${unknown.join(', ')}`);
  }
  const wanted = ids && ids.length > 0 ? new Set(ids) : undefined;
  return letters.filter((letter) => (group === undefined || letter.group === group) && (!wanted || wanted.has(letter.id)));
}

function groupBySource(letters: readonly ListedDeadLetter[]): ListedDeadLetter[][] {
  const bySource = new Map<string, ListedDeadLetter[]>();
  for (const letter of letters) {
    const source = `${letter.source.topic}/${letter.source.partition}@${letter.source.offset}`;
    bySource.set(source, [...(bySource.get(source) ?? []), letter]);
  }
  return [...bySource.values()];
}

function replays(mongo: Connection) {
  return mongo.collection<ReplayRecord>('dead_letter_replays');
}

function replayId(topic: string, id: string): string {
  return `${topic}/${id}`;
}

function byTopicPosition(a: DeadLetter, b: DeadLetter): number {
  const [pa, oa] = a.id.split(':').map(BigInt);
  const [pb, ob] = b.id.split(':').map(BigInt);
  return pa !== pb ? Number(pa - pb) : Number(oa - ob);
}

async function withDeadline(promise: Promise<void>, ms: number, message: () => string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message())), ms)));
  await Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
