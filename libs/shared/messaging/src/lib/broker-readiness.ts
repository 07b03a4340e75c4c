import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeFailure } from './failure-classification';
import type { MessagingClient } from './messaging-port';
import { createTopicsAndWait } from './topics-admin';

export interface ConsumerGroupProbe {
  /** The topic the probe message goes through; created (1 partition, short retention) when missing. */
  readonly topic: string;
  /** Prefix of the throwaway consumer group (deleted afterwards). */
  readonly groupPrefix: string;
  readonly timeoutMs?: number;
}

/**
 * Returns once a message produced (idempotent producer, acks=all, as the relays do) is consumed by
 * a brand-new consumer group, i.e. once producers, the group coordinator and `__consumer_offsets`
 * work. A cold broker creates `__consumer_offsets` only on the first FindCoordinator and answers
 * "coordinator is loading" / "not available" until it is ready: the first service consumers
 * would otherwise crash and restart through that. Throws, naming the last error, after `timeoutMs`.
 */
export async function waitForConsumerGroups(kafka: MessagingClient, probe: ConsumerGroupProbe): Promise<{ attempts: number; elapsedMs: number }> {
  const startedAt = Date.now();
  const deadline = startedAt + (probe.timeoutMs ?? 60_000);
  await ensureProbeTopic(kafka, probe.topic);
  let lastError = 'no message came back';
  for (let attempts = 1; ; attempts++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    try {
      await roundTrip(kafka, probe, Math.min(remaining, 20_000));
      return { attempts, elapsedMs: Date.now() - startedAt };
    } catch (error) {
      lastError = describeFailure(error);
    }
    await sleep(Math.min(500, Math.max(0, deadline - Date.now())));
  }
  throw new Error(`no consumer group could read a message within ${probe.timeoutMs ?? 60_000} ms: ${lastError}`);
}

async function ensureProbeTopic(kafka: MessagingClient, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(topic)) return;
    await createTopicsAndWait(admin, [
      { topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: String(60 * 60 * 1000) }] },
    ]);
  } catch (error) {
    // Another process created it a moment ago: as good.
    if (!(error instanceof Error && /already exists/i.test(error.message))) throw error;
  } finally {
    await admin.disconnect();
  }
}

/** One attempt: a fresh group reads the topic from its start until it meets the token just produced. */
async function roundTrip(kafka: MessagingClient, probe: ConsumerGroupProbe, timeoutMs: number): Promise<void> {
  const token = randomUUID();
  const groupId = `${probe.groupPrefix}-${token}`;
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId });
  let timer: NodeJS.Timeout | undefined;
  try {
    await producer.connect();
    await producer.send({ topic: probe.topic, messages: [{ key: token, value: token }] });
    let arrived!: () => void;
    const received = new Promise<void>((resolve) => (arrived = resolve));
    let crashed!: (error: Error) => void;
    const crash = new Promise<never>((_, reject) => (crashed = reject));
    consumer.on('crash', (error, restart) => {
      // The client restarts the consumer itself on a retriable error; a crash it gives up on ends the attempt.
      if (!restart) crashed(error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [probe.topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value?.toString() === token) arrived();
      },
    });
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the probe message did not come back within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([received, crash, expired]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await deleteGroup(kafka, groupId);
  }
}

async function deleteGroup(kafka: MessagingClient, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // Left behind, it is empty and expires with offsets.retention.minutes.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
