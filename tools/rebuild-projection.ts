/**
 * Rebuilds a read model from the event store into a new collection version and switches
 * readers over; the live projection keeps running meanwhile.
 *
 *   npm run rebuild -- client-profiles   (or any name REBUILDABLE lists)
 *
 * Reads the same configuration as the services (MONGO_URL, EVENTSTORE_URL or EVENTSTORE_PATH,
 * MASTER_KEY, KAFKA_BROKERS, KAFKA_TOPIC_PREFIX); `npm run rebuild` takes them from
 * deploy/local/local.env. Prints progress on stderr and a summary on stdout.
 */
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { TOPICS } from '@salon/contracts';
import {
  CLIENT_STREAM_PREFIXES,
  createClientProfilesProjection,
  createClientVisitStatisticsProjection,
  toClientIntegrationMessages,
} from '@salon/clients/feature-profile';
import { MongoKeyStore, PersonalDataCipher, parseMasterKey } from '@salon/shared/crypto';
import { EventStore, RecordedEvent } from '@salon/shared/event-store';
import {
  VISIT_STREAM_PREFIXES,
  createClientVisitsProjection,
  createVisitStatisticsProjection,
  visitEventCodec,
  visitMessages,
} from '@salon/visits/feature';
import { OutgoingMessage, Projection, ProjectionRunner, rebuildProjection } from '@salon/shared/messaging';
import { loadConfig, openEventStore, ServiceConfig } from '@salon/shared/nest';

class RebuildConfig extends ServiceConfig {
  // The rebuild serves no HTTP; the port is not read.
  override PORT: number = 1;
}

interface Rebuildable {
  readonly projection: (cipher: PersonalDataCipher) => Projection;
  /** The streams whose events feed it, and the mapping their relay publishes them with. */
  readonly streamPrefixes: readonly string[];
  readonly toMessages: (
    store: EventStore,
    cipher: PersonalDataCipher,
    prefix: string,
  ) => (event: RecordedEvent) => readonly OutgoingMessage[] | Promise<readonly OutgoingMessage[]>;
}

const clientEvents: Pick<Rebuildable, 'streamPrefixes' | 'toMessages'> = {
  streamPrefixes: CLIENT_STREAM_PREFIXES,
  toMessages: (_store, _cipher, prefix) => toClientIntegrationMessages(prefix + TOPICS.clientEvents.name),
};

const visitEvents: Pick<Rebuildable, 'streamPrefixes' | 'toMessages'> = {
  streamPrefixes: VISIT_STREAM_PREFIXES,
  toMessages: (store, cipher, prefix) => visitMessages(store, visitEventCodec(cipher), prefix + TOPICS.visitEvents.name),
};

const REBUILDABLE: Readonly<Record<string, Rebuildable>> = {
  'client-profiles': { projection: (cipher) => createClientProfilesProjection(cipher), ...clientEvents },
  'client-visit-statistics': { projection: () => createClientVisitStatisticsProjection(), ...visitEvents },
  'client-visits': { projection: () => createClientVisitsProjection(), ...visitEvents },
  'visit-statistics': { projection: () => createVisitStatisticsProjection(), ...visitEvents },
};

async function main(): Promise<void> {
  const name = process.argv[2];
  const rebuildable = Object.hasOwn(REBUILDABLE, name ?? '') ? REBUILDABLE[name] : undefined;
  if (!rebuildable) throw new Error(`name a projection to rebuild: ${Object.keys(REBUILDABLE).join(', ')}`);
  const config = loadConfig(RebuildConfig);
  const prefix = config.KAFKA_TOPIC_PREFIX;
  const mongo = await mongoose.createConnection(config.MONGO_URL).asPromise();
  const store = await openEventStore({ url: config.EVENTSTORE_URL, path: config.EVENTSTORE_PATH });
  const kafka = new Kafka({ clientId: 'rebuild', brokers: config.KAFKA_BROKERS, logLevel: logLevel.WARN });
  try {
    const cipher = new PersonalDataCipher(new MongoKeyStore(mongo, parseMasterKey(config.MASTER_KEY)));
    const plain = rebuildable.projection(cipher);
    const projection = { ...plain, name: prefix + plain.name, topics: plain.topics.map((topic) => prefix + topic) };
    let lastReport = 0;
    const result = await rebuildProjection({
      projection,
      runner: new ProjectionRunner(projection, kafka, mongo),
      store,
      mongo,
      streamPrefixes: rebuildable.streamPrefixes,
      toMessages: rebuildable.toMessages(store, cipher, prefix),
      onProgress: ({ events, messages }) => {
        if (Date.now() - lastReport < 1_000) return;
        lastReport = Date.now();
        process.stderr.write(`rebuild ${name}: ${events} events read, ${messages} applied\n`);
      },
    });
    process.stdout.write(
      `rebuilt ${name}: version ${result.version} (${Object.values(result.collections).join(', ')}), ` +
        `${result.events} events, ${result.messages} applied, ${(result.durationMs / 1000).toFixed(1)} s\n`,
    );
  } finally {
    await store.close();
    await mongo.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`rebuild failed: ${error.message}\n`);
  process.exit(1);
});
