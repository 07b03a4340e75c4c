import { DynamicModule, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { TOPICS } from '@salon/contracts';
import { CursorCodec, PersonalDataCipher } from '@salon/shared/crypto';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';
import {
  EventRelay,
  EventStoreFollowUp,
  MessagingClient,
  MongoCheckpointStore,
  ProjectionRunner,
  ReadModelRetirement,
  withTopicPrefix,
} from '@salon/shared/messaging';
import { KAFKA, MONGO_CONNECTION, WorkerHost, WorkersModule, projectionWorker, relayWorker } from '@salon/shared/nest';
import { AdmitVisitController } from './admit-visit/admit-visit.http.controller';
import { AdmitVisit } from './admit-visit/admit-visit.service';
import { ClientStream } from './client-stream/client-stream';
import { CLIENTS_SETTINGS, ClientsSettings } from './clients-settings';
import { DeleteClientController } from './delete-client/delete-client.http.controller';
import { DeleteClient } from './delete-client/delete-client.service';
import { EditClientProfileController } from './edit-client-profile/edit-client-profile.http.controller';
import { EditClientProfile } from './edit-client-profile/edit-client-profile.service';
import { EraseClientController } from './erase-client/erase-client.http.controller';
import { EraseClient } from './erase-client/erase-client.service';
import { ExportClientsController } from './export-clients/export-clients.http.controller';
import { ExportClients } from './export-clients/export-clients.service';
import { CLIENT_REMOVAL_STREAM_PREFIXES, clientRemovalFollowUp } from './follow-up/client-removal-follow-up';
import { PHONE_RESERVATION_STREAM_PREFIXES, phoneReservationSweeper } from './follow-up/phone-reservation-sweeper';
import { SUPERSEDED_PROFILES_STREAM_PREFIXES, supersededProfilesPurge } from './follow-up/superseded-profiles-purge';
import { GetClientProfileController } from './get-client-profile/get-client-profile.http.controller';
import { ErasureConfirmations } from './get-erasure-certificate/erasure-confirmations';
import { GetErasureCertificateController } from './get-erasure-certificate/get-erasure-certificate.http.controller';
import { GetErasureCertificate } from './get-erasure-certificate/get-erasure-certificate.query';
import { GetClientProfile } from './get-client-profile/get-client-profile.query';
import { CLIENT_IMPORT_CONTROLLERS, clientImportProviders } from './import-clients/client-import-providers';
import { ClientImportSettings } from './import-clients/client-import-settings';
import { RetentionDailyJob } from './follow-up/retention-daily-job';
import { PhoneReservationKeyring } from './phone-reservations/phone-reservation-keys';
import { PhoneReservations } from './phone-reservations/phone-reservations';
import { ErasureConfirmationsPolicy } from './policies/erasure-confirmations-policy';
import { VisitsPolicy } from './policies/visits-policy';
import { ClientProfileQueries, createClientProfilesProjection } from './projections/client-profiles';
import { CLIENT_STREAM_PREFIXES, clientEventCodec, clientMessages } from './relay/client-integration-events';
import { createClientVisitLedgerProjection } from './projections/client-visit-ledger';
import { RegisterClientController } from './register-client/register-client.http.controller';
import { RegisterClient } from './register-client/register-client.service';
import { SearchClientsController } from './search-clients/search-clients.http.controller';
import { SearchClients } from './search-clients/search-clients.query';
import { SetClientDiscountsController } from './set-client-discounts/set-client-discounts.http.controller';
import { SetClientDiscounts } from './set-client-discounts/set-client-discounts.service';
import { RemoveClientPhotoController } from './remove-client-photo/remove-client-photo.http.controller';
import { RemoveClientPhoto } from './remove-client-photo/remove-client-photo.service';
import { SetClientPhotoController } from './set-client-photo/set-client-photo.http.controller';
import { SetClientPhoto } from './set-client-photo/set-client-photo.service';
import { SettleClient } from './settle-client/settle-client';
import { RETENTION_CONTROLLERS, RetentionSettings, retentionProviders } from './retention/retention-providers';

export interface ClientsFeatureSettings extends ClientsSettings, RetentionSettings {
  /** KAFKA_TOPIC_PREFIX: namespaces topics and consumer groups of one environment. */
  readonly topicPrefix: string;
  /** PHONE_RESERVATION_GRACE_SECONDS, in ms: see PhoneReservationSweeper. */
  readonly phoneReservationGraceMs: number;
  /** PHONE_RESERVATION_KEYS: name the reservation streams (see PhoneReservations). */
  readonly phoneReservationKeys: PhoneReservationKeyring;
  /** READ_MODEL_RETIRE_AFTER_SECONDS, in ms: see ReadModelRetirement. */
  readonly readModelRetireAfterMs: number;
  /** IMPORT_*, MINIO_*: the import of clients from spreadsheets (see ClientImportRunner). */
  readonly clientImport: ClientImportSettings;
}

const SETTINGS = Symbol('CLIENTS_FEATURE_SETTINGS');

/**
 * Starts the clients context's background work with the service: the relay that publishes its
 * events, the projections (the client card from the client, consent and visit topics; the visit
 * ledger), and the policy that notes visits.
 */
@Injectable()
class ClientsWorkers implements OnModuleInit {
  constructor(
    private readonly host: WorkerHost,
    @Inject(SETTINGS) private readonly settings: ClientsFeatureSettings,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KAFKA) private readonly kafka: MessagingClient,
    @Inject(MONGO_CONNECTION) private readonly mongo: Connection,
    private readonly cipher: PersonalDataCipher,
    private readonly queries: ClientProfileQueries,
    private readonly clients: ClientStream,
    private readonly phones: PhoneReservations,
    private readonly admitVisit: AdmitVisit,
    private readonly settleClient: SettleClient,
    private readonly retentionJob: RetentionDailyJob,
  ) {}

  onModuleInit(): void {
    const prefix = this.settings.topicPrefix;
    const producer = this.kafka.producer();
    const relay = new EventRelay({
      name: `${prefix}clients-relay`,
      store: this.store,
      streamPrefixes: CLIENT_STREAM_PREFIXES,
      toMessages: clientMessages(clientEventCodec(this.cipher), prefix + TOPICS.clientEvents.name),
      producer,
      checkpoints: new MongoCheckpointStore(this.mongo),
    });
    this.host.register(relayWorker(relay, producer));

    const projection = withTopicPrefix(createClientProfilesProjection(this.cipher), prefix);
    const runner = new ProjectionRunner(projection, this.kafka, this.mongo);
    this.host.register({
      ...projectionWorker(runner),
      start: async () => {
        await this.queries.ensureIndexes();
        await runner.start();
      },
    });
    const visitLedger = withTopicPrefix(createClientVisitLedgerProjection(), prefix);
    this.host.register(projectionWorker(new ProjectionRunner(visitLedger, this.kafka, this.mongo)));
    this.host.register(new VisitsPolicy(this.kafka, this.admitVisit, prefix));
    // The media and consent contexts' confirmations of an erasure, for the erasure certificate.
    this.host.register(new ErasureConfirmationsPolicy(this.kafka, new ErasureConfirmations(this.mongo), prefix));

    // What use cases do after their append, finished from the event store whatever crashed.
    const checkpoints = new MongoCheckpointStore(this.mongo);
    this.host.register(
      new EventStoreFollowUp({
        name: `${prefix}clients.removal-follow-up`,
        store: this.store,
        checkpoints,
        streamPrefixes: CLIENT_REMOVAL_STREAM_PREFIXES,
        handle: clientRemovalFollowUp(this.settleClient),
      }),
    );
    this.host.register(
      new EventStoreFollowUp({
        name: `${prefix}clients.phone-reservation-sweeper`,
        store: this.store,
        checkpoints,
        streamPrefixes: PHONE_RESERVATION_STREAM_PREFIXES,
        handle: phoneReservationSweeper(this.phones, this.clients, this.settings.phoneReservationGraceMs),
      }),
    );
    // A rebuild leaves the card's previous version behind for a grace period: an erasure or a
    // deletion reaches it too, and it is dropped once the period is over.
    this.host.register(
      new EventStoreFollowUp({
        name: `${prefix}clients.superseded-profiles-purge`,
        store: this.store,
        checkpoints,
        streamPrefixes: SUPERSEDED_PROFILES_STREAM_PREFIXES,
        handle: supersededProfilesPurge(this.mongo, this.settings.readModelRetireAfterMs),
      }),
    );
    this.host.register(
      new ReadModelRetirement({
        name: `${prefix}clients.read-model-retirement`,
        mongo: this.mongo,
        collections: [...projection.collections, ...visitLedger.collections],
        retireAfterMs: this.settings.readModelRetireAfterMs,
      }),
    );
    this.host.register(this.retentionJob);
  }
}

@Module({})
export class ClientsFeatureModule {
  static forRoot(settings: ClientsFeatureSettings): DynamicModule {
    return {
      module: ClientsFeatureModule,
      imports: [WorkersModule],
      controllers: [
        RegisterClientController,
        EditClientProfileController,
        SetClientDiscountsController,
        DeleteClientController,
        EraseClientController,
        GetErasureCertificateController,
        AdmitVisitController,
        SetClientPhotoController,
        RemoveClientPhotoController,
        // Before GET /clients/:clientId, which would take "export" for a client id.
        ExportClientsController,
        GetClientProfileController,
        SearchClientsController,
        ...CLIENT_IMPORT_CONTROLLERS,
        ...RETENTION_CONTROLLERS,
      ],
      providers: [
        { provide: SETTINGS, useValue: settings },
        { provide: CLIENTS_SETTINGS, useValue: settings },
        ClientStream,
        {
          provide: PhoneReservations,
          inject: [EVENT_STORE, PersonalDataCipher],
          useFactory: (store: EventStore, cipher: PersonalDataCipher) => new PhoneReservations(store, cipher, settings.phoneReservationKeys),
        },
        SettleClient,
        // One service per use case: the controllers, the visits policy and the follow-up call these, nothing in between.
        RegisterClient,
        EditClientProfile,
        SetClientDiscounts,
        DeleteClient,
        EraseClient,
        GetErasureCertificate,
        AdmitVisit,
        SetClientPhoto,
        RemoveClientPhoto,
        GetClientProfile,
        SearchClients,
        ExportClients,
        {
          provide: ClientProfileQueries,
          inject: [MONGO_CONNECTION, CursorCodec],
          useFactory: (mongo: Connection, cursors: CursorCodec) => new ClientProfileQueries(mongo, cursors),
        },
        ...retentionProviders(settings),
        ...clientImportProviders(settings.clientImport),
        ClientsWorkers,
      ],
    };
  }
}
