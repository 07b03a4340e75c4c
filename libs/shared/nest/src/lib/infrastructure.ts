import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import mongoose, { Connection } from 'mongoose';
import { AuditSigner, CursorCodec, KEY_STORE, KeyStore, MongoKeyStore, PersonalDataCipher, parseMasterKey } from '@salon/shared/crypto';
import { EVENT_STORE, EventStore, EventStoreDbEventStore, MeteredEventStore, SqliteEventStore } from '@salon/shared/event-store';
import { KafkaClientKind, MessagingAdmin, MessagingClient, createMessagingClient } from '@salon/shared/messaging';
import { ReadinessRegistry } from './health';

/**
 * Nest wiring of the shared infrastructure. The libraries underneath (event-store, messaging,
 * read-models) know nothing of Nest; these modules only create, check and close connections.
 */

export const MONGO_CONNECTION = Symbol('MONGO_CONNECTION');
export const KAFKA = Symbol('KAFKA');

export interface EventStoreSettings {
  /** EventStoreDB connection string (production). When absent, the embedded store is used. */
  readonly url?: string;
  /** File of the embedded store. */
  readonly path: string;
}

export async function openEventStore(settings: EventStoreSettings): Promise<EventStore> {
  // Appends are timed for /metrics (salon_event_store_append_seconds).
  if (settings.url) {
    return new MeteredEventStore(EventStoreDbEventStore.connect(settings.url), 'eventstoredb');
  }
  return new MeteredEventStore(new SqliteEventStore({ path: settings.path }), 'embedded');
}

@Injectable()
class ConnectionLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly readiness: ReadinessRegistry,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(MONGO_CONNECTION) private readonly mongo: Connection,
    @Inject(KAFKA) kafka: MessagingClient,
  ) {
    this.admin = kafka.admin();
  }

  private readonly admin: MessagingAdmin;

  onModuleInit(): void {
    this.readiness.register('eventStore', async () => {
      await this.eventStore.readAll({ direction: 'backwards', maxCount: 1 });
    });
    this.readiness.register('mongo', async () => {
      const connection = await this.mongo.asPromise();
      await connection.db?.admin().ping();
    });
    this.readiness.register('kafka', async () => {
      await this.admin.connect();
      await this.admin.describeCluster();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.admin.disconnect(), this.mongo.close(), this.eventStore.close()]);
  }
}

export interface InfrastructureSettings {
  readonly serviceName: string;
  /** Base64 master key wrapping the per-client data keys; page cursors are sealed under a key derived from it. */
  readonly masterKey: string;
  readonly eventStore: EventStoreSettings;
  readonly mongoUrl: string;
  readonly kafkaBrokers: readonly string[];
  /** KAFKA_CLIENT: the client behind the messaging port (default: see DEFAULT_KAFKA_CLIENT). */
  readonly kafkaClient?: KafkaClientKind;
  /**
   * Whether the service reads or writes personal data: only then does it get the key store
   * (`data_keys`) and the PersonalDataCipher. Default true.
   */
  readonly personalData?: boolean;
}

@Module({})
export class InfrastructureModule {
  static forRoot(settings: InfrastructureSettings): DynamicModule {
    const personalData = settings.personalData ?? true;
    return {
      module: InfrastructureModule,
      global: true,
      providers: [
        { provide: EVENT_STORE, useFactory: () => openEventStore(settings.eventStore) },
        {
          provide: MONGO_CONNECTION,
          // Not awaited: a service starts (and answers /health/ready with 503) while Mongo is down.
          useFactory: () => mongoose.createConnection(settings.mongoUrl, { serverSelectionTimeoutMS: 5_000 }),
        },
        {
          provide: KAFKA,
          useFactory: () => createMessagingClient({ clientId: settings.serviceName, brokers: settings.kafkaBrokers, kind: settings.kafkaClient }),
        },
        ...(personalData
          ? [
              {
                provide: KEY_STORE,
                inject: [MONGO_CONNECTION],
                useFactory: (mongo: Connection) => new MongoKeyStore(mongo, parseMasterKey(settings.masterKey)),
              },
              { provide: PersonalDataCipher, inject: [KEY_STORE], useFactory: (keys: KeyStore) => new PersonalDataCipher(keys) },
            ]
          : []),
        // One page-cursor codec for every list of the service, keyed by the master key: cursors
        // outlive a restart and pass between instances that share MASTER_KEY.
        { provide: CursorCodec, useFactory: () => CursorCodec.fromMasterKey(parseMasterKey(settings.masterKey)) },
        // Audit documents (the erasure certificate) are signed under a key derived from it likewise.
        { provide: AuditSigner, useFactory: () => AuditSigner.fromMasterKey(parseMasterKey(settings.masterKey)) },
        ConnectionLifecycle,
      ],
      exports: [EVENT_STORE, MONGO_CONNECTION, KAFKA, ...(personalData ? [KEY_STORE, PersonalDataCipher] : []), CursorCodec, AuditSigner],
    };
  }
}
