/**
 * Rebuilds a read model from the event store into a new collection version and switches
 * readers over; the live projection keeps running meanwhile.
 *
 *   npm run rebuild -- client-profiles   (or any name REBUILDABLE lists)
 *
 * Every read-model document has one writer, so a rebuild is the rebuild of one projection: the
 * client card (client-profiles) reads the client, consent-state and visit topics, and its
 * rebuild replays all three contexts' streams through their relay mappings.
 *
 * Reads the same configuration as the services (MONGO_URL, EVENTSTORE_URL or EVENTSTORE_PATH,
 * MASTER_KEY, KAFKA_BROKERS, KAFKA_TOPIC_PREFIX); `npm run rebuild` takes them from
 * deploy/local/local.env. Prints progress on stderr and a summary on stdout.
 */
import mongoose, { Connection } from 'mongoose';
import { TOPICS } from '@salon/contracts';
import {
  CLIENT_STREAM_PREFIXES,
  clientEventCodec,
  clientMessages,
  createClientProfilesProjection,
  createClientVisitLedgerProjection,
} from '@salon/clients/feature';
import { CONSENT_STREAM_PREFIXES, consentEventCodec, consentMessages } from '@salon/consent/feature';
import { MongoKeyStore, PersonalDataCipher, parseMasterKey } from '@salon/shared/crypto';
import { EventStore, RecordedEvent } from '@salon/shared/event-store';
import {
  VISIT_STREAM_PREFIXES,
  createClientVisitsProjection,
  createVisitStatisticsProjection,
  visitEventCodec,
  visitMessages,
} from '@salon/visits/feature';
import {
  MessagingClient,
  OutgoingMessage,
  Projection,
  ProjectionRunner,
  RebuildOptions,
  createMessagingClient,
  rebuildProjection,
  withTopicPrefix,
} from '@salon/shared/messaging';
import { loadConfig, openEventStore, ServiceConfig } from '@salon/shared/nest';

class RebuildConfig extends ServiceConfig {
  // The rebuild serves no HTTP; the port is not read.
  override PORT: number = 1;
}

interface Rebuildable {
  readonly projection: (cipher: PersonalDataCipher) => Projection;
  /** The streams whose events feed it, and the mapping their relay publishes them with. */
  readonly sources: readonly Source[];
}

interface Source {
  readonly streamPrefixes: readonly string[];
  readonly toMessages: (store: EventStore, cipher: PersonalDataCipher, prefix: string) => ToMessages;
}

type ToMessages = (event: RecordedEvent) => readonly OutgoingMessage[] | Promise<readonly OutgoingMessage[]>;

const clientEvents: Source = {
  streamPrefixes: CLIENT_STREAM_PREFIXES,
  toMessages: (_store, cipher, prefix) => clientMessages(clientEventCodec(cipher), prefix + TOPICS.clientEvents.name),
};

const visitEvents: Source = {
  streamPrefixes: VISIT_STREAM_PREFIXES,
  toMessages: (store, cipher, prefix) => visitMessages(store, visitEventCodec(cipher), prefix + TOPICS.visitEvents.name),
};

const consentEvents: Source = {
  streamPrefixes: CONSENT_STREAM_PREFIXES,
  toMessages: (store, _cipher, prefix) =>
    consentMessages(store, consentEventCodec(), {
      events: prefix + TOPICS.consentEvents.name,
      state: prefix + TOPICS.consentState.name,
    }),
};

const REBUILDABLE: Readonly<Record<string, Rebuildable>> = {
  'client-profiles': { projection: (cipher) => createClientProfilesProjection(cipher), sources: [clientEvents, consentEvents, visitEvents] },
  'client-visit-ledger': { projection: () => createClientVisitLedgerProjection(), sources: [visitEvents] },
  'client-visits': { projection: () => createClientVisitsProjection(), sources: [visitEvents] },
  'visit-statistics': { projection: () => createVisitStatisticsProjection(), sources: [visitEvents] },
};

interface Context {
  readonly config: RebuildConfig;
  readonly mongo: Connection;
  readonly store: EventStore;
  readonly kafka: MessagingClient;
  readonly cipher: PersonalDataCipher;
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!Object.hasOwn(REBUILDABLE, name ?? '')) throw new Error(`name a projection to rebuild: ${Object.keys(REBUILDABLE).join(', ')}`);
  const config = loadConfig(RebuildConfig);
  const mongo = await mongoose.createConnection(config.MONGO_URL).asPromise();
  const store = await openEventStore({ url: config.EVENTSTORE_URL, path: config.EVENTSTORE_PATH });
  const kafka = createMessagingClient({ clientId: 'rebuild', brokers: config.KAFKA_BROKERS });
  try {
    const cipher = new PersonalDataCipher(new MongoKeyStore(mongo, parseMasterKey(config.MASTER_KEY)));
    const context: Context = { config, mongo, store, kafka, cipher };
    const result = await rebuildProjection(rebuildOptions(context, name, REBUILDABLE[name]));
    process.stdout.write(
      `rebuilt ${name}: version ${result.version} (${Object.values(result.collections).join(', ')}), ` +
        `${result.events} events, ${result.messages} applied, ${(result.durationMs / 1000).toFixed(1)} s; ` +
        `the services drop the versions it replaced READ_MODEL_RETIRE_AFTER_SECONDS after the switch\n`,
    );
  } finally {
    await store.close();
    await mongo.close();
  }
}

/** One mapping for the streams of all sources: each event goes through the mapping of the source its stream belongs to. */
function combinedMapping(sources: readonly Source[], store: EventStore, cipher: PersonalDataCipher, prefix: string): ToMessages {
  const mappings = sources.map((source) => ({ prefixes: source.streamPrefixes, toMessages: source.toMessages(store, cipher, prefix) }));
  return (event) => mappings.find(({ prefixes }) => prefixes.some((streamPrefix) => event.streamName.startsWith(streamPrefix)))?.toMessages(event) ?? [];
}

function rebuildOptions({ config, mongo, store, kafka, cipher }: Context, name: string, rebuildable: Rebuildable): RebuildOptions {
  const prefix = config.KAFKA_TOPIC_PREFIX;
  const projection = withTopicPrefix(rebuildable.projection(cipher), prefix);
  let lastReport = 0;
  return {
    projection,
    runner: new ProjectionRunner(projection, kafka, mongo),
    store,
    mongo,
    streamPrefixes: rebuildable.sources.flatMap((source) => source.streamPrefixes),
    toMessages: combinedMapping(rebuildable.sources, store, cipher, prefix),
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
