/**
 * Creates every topic of the contract (libs/contracts) that does not exist yet, then waits until
 * producers and consumer groups work (a probe message round-trips through a throwaway group), so
 * that services started next do not meet a group coordinator that is still loading.
 * Used by deploy/local/infra.sh after the broker is up; safe to run any number of times.
 *
 *   node -r @swc-node/register tools/kafka/create-topics.ts
 *
 * KAFKA_BROKERS (or KAFKA_PORT), KAFKA_TOPIC_PREFIX, KAFKA_REPLICATION_FACTOR;
 * KAFKA_READY_TIMEOUT_MS bounds the wait for consumer groups (default 60000).
 */
import { ALL_TOPICS } from '@salon/contracts';
import { createMessagingClient, ensureTopics, waitForConsumerGroups } from '@salon/shared/messaging';

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? '19092'}`).split(',');
  const prefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
  const kafka = createMessagingClient({ clientId: 'create-topics', brokers });
  const created = await ensureTopics(kafka, ALL_TOPICS, {
    prefix,
    replicationFactor: Number(process.env.KAFKA_REPLICATION_FACTOR ?? 1),
  });
  console.log(`topics: ${ALL_TOPICS.length} in the contract, ${created.length} created (${created.join(', ') || 'none'})`);

  // Quiet client: while the coordinator loads, the client logs every retry; the outcome is printed below.
  const probing = createMessagingClient({ clientId: 'create-topics-probe', brokers, logLevel: 'nothing' });
  const { attempts, elapsedMs } = await waitForConsumerGroups(probing, {
    topic: `${prefix}ops.readiness-probe`,
    groupPrefix: `${prefix}ops.readiness-probe`,
    timeoutMs: Number(process.env.KAFKA_READY_TIMEOUT_MS ?? 60_000),
  });
  console.log(`consumer groups: a probe message round-tripped in ${elapsedMs} ms (${attempts} attempt${attempts === 1 ? '' : 's'})`);
}

main().catch((error) => {
  console.error(`create-topics failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
