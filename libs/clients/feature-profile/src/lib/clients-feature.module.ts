import { DynamicModule, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { TOPICS } from '@salon/contracts';
import { PersonalDataCipher } from '@salon/shared/crypto';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';
import { EventRelay, EventStoreFollowUp, MongoCheckpointStore, ProjectionRunner, withTopicPrefix } from '@salon/shared/messaging';
import { KAFKA, MONGO_CONNECTION, WorkerHost, WorkersModule, projectionWorker, relayWorker } from '@salon/shared/nest';
import { AdmitVisitController } from './admit-visit/admit-visit.http.controller';
import { AdmitVisitHandler } from './admit-visit/admit-visit.command';
import { DeleteClientController } from './delete-client/delete-client.http.controller';
import { DeleteClientHandler } from './delete-client/delete-client.command';
import { EditClientProfileController } from './edit-client-profile/edit-client-profile.http.controller';
import { EditClientProfileHandler } from './edit-client-profile/edit-client-profile.command';
import { EraseClientController } from './erase-client/erase-client.http.controller';
import { EraseClientHandler } from './erase-client/erase-client.command';
import { CLIENT_REMOVAL_STREAM_PREFIXES, clientRemovalFollowUp } from './follow-up/client-removal-follow-up';
import { PHONE_RESERVATION_STREAM_PREFIXES, phoneReservationSweeper } from './follow-up/phone-reservation-sweeper';
import { GetClientProfileController } from './get-client-profile/get-client-profile.http.controller';
import { ClientProfileQueries, createClientProfilesProjection, createConsentSummaryProjection } from './profile-view';
import { CLIENT_STREAM_PREFIXES, toClientIntegrationMessages } from './publishing/client-integration-events';
import { VisitsPolicy } from './publishing/visits-policy';
import { createClientVisitStatisticsProjection } from './visit-statistics';
import { RegisterClientController } from './register-client/register-client.http.controller';
import { RegisterClientHandler } from './register-client/register-client.command';
import { SearchClientsController } from './search-clients/search-clients.http.controller';
import { SetClientDiscountsController } from './set-client-discounts/set-client-discounts.http.controller';
import { SetClientDiscountsHandler } from './set-client-discounts/set-client-discounts.command';
import { CLIENTS_SETTINGS, ClientCommands, ClientsSettings } from './write/client-commands.service';
import { PhoneReservations } from './write/phone-reservations';

export interface ClientsFeatureSettings extends ClientsSettings {
  /** KAFKA_TOPIC_PREFIX: namespaces topics and consumer groups of one environment. */
  readonly topicPrefix: string;
  /** PHONE_RESERVATION_GRACE_SECONDS, in ms: see PhoneReservationSweeper. */
  readonly phoneReservationGraceMs: number;
}

const SETTINGS = Symbol('CLIENTS_FEATURE_SETTINGS');

/**
 * Starts the clients context's background work with the service: the relay that publishes its
 * events, the profile-view projections (profile, consent summary, visit statistics), and the
 * policy that notes visits.
 */
@Injectable()
class ClientsWorkers implements OnModuleInit {
  constructor(
    private readonly host: WorkerHost,
    @Inject(SETTINGS) private readonly settings: ClientsFeatureSettings,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_CONNECTION) private readonly mongo: Connection,
    private readonly cipher: PersonalDataCipher,
    private readonly commands: ClientCommands,
    private readonly queries: ClientProfileQueries,
  ) {}

  onModuleInit(): void {
    const prefix = this.settings.topicPrefix;
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const relay = new EventRelay({
      name: `${prefix}clients-relay`,
      store: this.store,
      streamPrefixes: CLIENT_STREAM_PREFIXES,
      toMessages: toClientIntegrationMessages(prefix + TOPICS.clientEvents.name),
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
    const consentSummary = withTopicPrefix(createConsentSummaryProjection(), prefix);
    this.host.register(projectionWorker(new ProjectionRunner(consentSummary, this.kafka, this.mongo)));
    const visitStatistics = withTopicPrefix(createClientVisitStatisticsProjection(), prefix);
    this.host.register(projectionWorker(new ProjectionRunner(visitStatistics, this.kafka, this.mongo)));
    this.host.register(new VisitsPolicy(this.kafka, this.commands, prefix));

    // What use cases do after their append, finished from the event store whatever crashed.
    const checkpoints = new MongoCheckpointStore(this.mongo);
    this.host.register(
      new EventStoreFollowUp({
        name: `${prefix}clients.removal-follow-up`,
        store: this.store,
        checkpoints,
        streamPrefixes: CLIENT_REMOVAL_STREAM_PREFIXES,
        handle: clientRemovalFollowUp(this.commands),
      }),
    );
    this.host.register(
      new EventStoreFollowUp({
        name: `${prefix}clients.phone-reservation-sweeper`,
        store: this.store,
        checkpoints,
        streamPrefixes: PHONE_RESERVATION_STREAM_PREFIXES,
        handle: phoneReservationSweeper(new PhoneReservations(this.store, this.cipher), this.commands, this.settings.phoneReservationGraceMs),
      }),
    );
  }
}

@Module({})
export class ClientsFeatureModule {
  static forRoot(settings: ClientsFeatureSettings): DynamicModule {
    return {
      module: ClientsFeatureModule,
      imports: [CqrsModule.forRoot(), WorkersModule],
      controllers: [
        RegisterClientController,
        EditClientProfileController,
        SetClientDiscountsController,
        DeleteClientController,
        EraseClientController,
        AdmitVisitController,
        GetClientProfileController,
        SearchClientsController,
      ],
      providers: [
        { provide: SETTINGS, useValue: settings },
        { provide: CLIENTS_SETTINGS, useValue: settings },
        ClientCommands,
        RegisterClientHandler,
        EditClientProfileHandler,
        SetClientDiscountsHandler,
        DeleteClientHandler,
        EraseClientHandler,
        AdmitVisitHandler,
        { provide: ClientProfileQueries, inject: [MONGO_CONNECTION], useFactory: (mongo: Connection) => new ClientProfileQueries(mongo) },
        ClientsWorkers,
      ],
    };
  }
}
