/**
 * Rebuilds a read model from the event store into a new collection version and switches
 * readers over; the live projection keeps running meanwhile.
 *
 *   npm run rebuild -- client-profiles   (or any name REBUILDABLE lists)
 *
 * Rebuilding client-profiles also refills what other projections add to its documents (visit
 * statistics, consent summary): see FOLLOW_UPS.
 *
 * Reads the same configuration as the services (MONGO_URL, EVENTSTORE_URL or EVENTSTORE_PATH,
 * MASTER_KEY, KAFKA_BROKERS, KAFKA_TOPIC_PREFIX); `npm run rebuild` takes them from
 * deploy/local/local.env. Prints progress on stderr and a summary on stdout.
 */
import { Kafka, logLevel } from 'kafkajs';
import mongoose, { Connection } from 'mongoose';
import { TOPICS } from '@salon/contracts';
import {
  CLIENT_STREAM_PREFIXES,
  createClientProfilesProjection,
  createClientVisitStatisticsProjection,
  createConsentSummaryProjection,
  toClientIntegrationMessages,
} from '@salon/clients/feature-profile';
import { clientIdOfConsentStream, consentEventCatalog } from '@salon/consent/domain';
import { CONSENT_STREAM_PREFIXES, consentMessages } from '@salon/consent/feature';
import { MongoKeyStore, PersonalDataCipher, parseMasterKey } from '@salon/shared/crypto';
import { EventCodec } from '@salon/shared/event-sourcing';
import { EventStore, RecordedEvent } from '@salon/shared/event-store';
import {
  VISIT_STREAM_PREFIXES,
  createClientVisitsProjection,
  createVisitStatisticsProjection,
  visitEventCodec,
  visitMessages,
} from '@salon/visits/feature';
import { OutgoingMessage, Projection, ProjectionRunner, RebuildOptions, rebuildProjection, replayProjection, withTopicPrefix } from '@salon/shared/messaging';
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

/**
 * Projections that add fields to the documents of another one: after that one is rebuilt into a
 * new version, they fill the new version too (the statistics by a rebuild of their own ledger, the
 * consent summary by a replay into the active collections).
 */
const FOLLOW_UPS: Readonly<Record<string, readonly FollowUp[]>> = {
  'client-profiles': [
    { kind: 'rebuild', name: 'client-visit-statistics' },
    {
      kind: 'replay',
      name: 'client-profile-consent',
      projection: () => createConsentSummaryProjection(),
      streamPrefixes: CONSENT_STREAM_PREFIXES,
      toMessages: (store, cipher, prefix) =>
        consentMessages(store, new EventCodec(consentEventCatalog, cipher, clientIdOfConsentStream), {
          events: prefix + TOPICS.consentEvents.name,
          state: prefix + TOPICS.consentState.name,
        }),
    },
  ],
};

type FollowUp = { readonly kind: 'rebuild'; readonly name: string } | ({ readonly kind: 'replay'; readonly name: string } & Rebuildable);

interface Context {
  readonly config: RebuildConfig;
  readonly mongo: Connection;
  readonly store: EventStore;
  readonly kafka: Kafka;
  readonly cipher: PersonalDataCipher;
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!Object.hasOwn(REBUILDABLE, name ?? '')) throw new Error(`name a projection to rebuild: ${Object.keys(REBUILDABLE).join(', ')}`);
  const config = loadConfig(RebuildConfig);
  const mongo = await mongoose.createConnection(config.MONGO_URL).asPromise();
  const store = await openEventStore({ url: config.EVENTSTORE_URL, path: config.EVENTSTORE_PATH });
  const kafka = new Kafka({ clientId: 'rebuild', brokers: config.KAFKA_BROKERS, logLevel: logLevel.WARN });
  try {
    const cipher = new PersonalDataCipher(new MongoKeyStore(mongo, parseMasterKey(config.MASTER_KEY)));
    const context: Context = { config, mongo, store, kafka, cipher };
    await rebuild(context, name);
    for (const followUp of FOLLOW_UPS[name] ?? []) {
      if (followUp.kind === 'rebuild') await rebuild(context, followUp.name);
      else await replay(context, followUp);
    }
  } finally {
    await store.close();
    await mongo.close();
  }
}

async function rebuild(context: Context, name: string): Promise<void> {
  const result = await rebuildProjection(replayOptions(context, name, REBUILDABLE[name]));
  process.stdout.write(
    `rebuilt ${name}: version ${result.version} (${Object.values(result.collections).join(', ')}), ` +
      `${result.events} events, ${result.messages} applied, ${(result.durationMs / 1000).toFixed(1)} s\n`,
  );
}

async function replay(context: Context, followUp: Rebuildable & { name: string }): Promise<void> {
  const result = await replayProjection(replayOptions(context, followUp.name, followUp));
  process.stdout.write(
    `replayed ${followUp.name} into the active collections: ${result.events} events, ${result.messages} applied, ` +
      `${(result.durationMs / 1000).toFixed(1)} s\n`,
  );
}

function replayOptions({ config, mongo, store, kafka, cipher }: Context, name: string, rebuildable: Rebuildable): RebuildOptions {
  const prefix = config.KAFKA_TOPIC_PREFIX;
  const projection = withTopicPrefix(rebuildable.projection(cipher), prefix);
  let lastReport = 0;
  return {
    projection,
    runner: new ProjectionRunner(projection, kafka, mongo),
    store,
    mongo,
    streamPrefixes: rebuildable.streamPrefixes,
    toMessages: rebuildable.toMessages(store, cipher, prefix),
    onProgress: ({ events, messages }) => {
      if (Date.now() - lastReport < 1_000) return;
      lastReport = Date.now();
      process.stderr.write(`${name}: ${events} events read, ${messages} applied\n`);
    },
  };
}

main().catch((error: Error) => {
  process.stderr.write(`rebuild failed: ${error.message}\n`);
  process.exit(1);
});
