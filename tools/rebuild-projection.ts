/**
 * Rebuilds a read model from the event store into a new collection version and switches
 * readers over; the live projection keeps running meanwhile.
 *
 *   npm run rebuild -- client-profiles
 *
 * Reads the same configuration as the services (MONGO_URL, EVENTSTORE_URL or EVENTSTORE_PATH,
 * MASTER_KEY, KAFKA_BROKERS, KAFKA_TOPIC_PREFIX); `npm run rebuild` takes them from
 * deploy/local/local.env. Prints progress on stderr and a summary on stdout.
 */
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { TOPICS } from '@salon/contracts';
import { CLIENT_STREAM_PREFIXES, createClientProfilesProjection, toClientIntegrationMessages } from '@salon/clients/feature-profile';
import { MongoKeyStore, PersonalDataCipher, parseMasterKey } from '@salon/shared/crypto';
import { ProjectionRunner, rebuildProjection } from '@salon/shared/messaging';
import { loadConfig, openEventStore, ServiceConfig } from '@salon/shared/nest';

class RebuildConfig extends ServiceConfig {
  // The rebuild serves no HTTP; the port is not read.
  override PORT: number = 1;
}

const REBUILDABLE = ['client-profiles'] as const;

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!REBUILDABLE.includes(name as (typeof REBUILDABLE)[number])) {
    throw new Error(`name a projection to rebuild: ${REBUILDABLE.join(', ')}`);
  }
  const config = loadConfig(RebuildConfig);
  const prefix = config.KAFKA_TOPIC_PREFIX;
  const mongo = await mongoose.createConnection(config.MONGO_URL).asPromise();
  const store = await openEventStore({ url: config.EVENTSTORE_URL, path: config.EVENTSTORE_PATH });
  const kafka = new Kafka({ clientId: 'rebuild', brokers: config.KAFKA_BROKERS, logLevel: logLevel.WARN });
  try {
    const cipher = new PersonalDataCipher(new MongoKeyStore(mongo, parseMasterKey(config.MASTER_KEY)));
    const profiles = createClientProfilesProjection(cipher);
    const projection = { ...profiles, name: prefix + profiles.name, topics: profiles.topics.map((topic) => prefix + topic) };
    let lastReport = 0;
    const result = await rebuildProjection({
      projection,
      runner: new ProjectionRunner(projection, kafka, mongo),
      store,
      mongo,
      streamPrefixes: CLIENT_STREAM_PREFIXES,
      toMessages: toClientIntegrationMessages(prefix + TOPICS.clientEvents.name),
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
