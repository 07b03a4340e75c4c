import { DynamicModule, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { TOPICS } from '@salon/contracts';
import { ServiceTokenIssuer } from '@salon/shared/auth';
import { CursorCodec, PersonalDataCipher } from '@salon/shared/crypto';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';
import { EventRelay, MessagingClient, MongoCheckpointStore, Projection, ProjectionRunner, ReadModelRetirement, withTopicPrefix } from '@salon/shared/messaging';
import { KAFKA, MONGO_CONNECTION, WorkerHost, WorkersModule, projectionWorker, relayWorker } from '@salon/shared/nest';
import { BookVisitController } from './book-visit/book-visit.http.controller';
import { BookVisit } from './book-visit/book-visit.service';
import { ChangeVisitServicesController } from './change-visit-services/change-visit-services.http.controller';
import { ChangeVisitServices } from './change-visit-services/change-visit-services.service';
import { ChangeVisitStatusController } from './change-visit-status/change-visit-status.http.controller';
import { ChangeVisitStatus } from './change-visit-status/change-visit-status.service';
import { createVisitStatisticsProjection } from './projections/bi';
import { CLIENT_ADMISSIONS, HttpClientAdmissions } from './client-admissions/client-admissions';
import { GetVisitController } from './get-visit/get-visit.http.controller';
import { GetVisit } from './get-visit/get-visit.query';
import { VISIT_STREAM_PREFIXES, visitEventCodec, visitMessages } from './relay/visit-integration-events';
import { RecordVisitPaymentController } from './record-visit-payment/record-visit-payment.http.controller';
import { RecordVisitPayment } from './record-visit-payment/record-visit-payment.service';
import { RescheduleVisitController } from './reschedule-visit/reschedule-visit.http.controller';
import { RescheduleVisit } from './reschedule-visit/reschedule-visit.service';
import { ClientVisitQueries, createClientVisitsProjection } from './projections/client-visits';
import { FindVisitByNumberController, ListClientVisitsController } from './list-client-visits/list-client-visits.http.controller';
import { VisitStream } from './visit-stream/visit-stream';
import { ExportClientVisitsController } from './export-client-visits/export-client-visits.http.controller';
import { ExportClientVisits } from './export-client-visits/export-client-visits.query';

export interface VisitsFeatureSettings {
  /** KAFKA_TOPIC_PREFIX: namespaces topics and consumer groups of one environment. */
  readonly topicPrefix: string;
  /** Where the clients service admits visits (CLIENTS_SERVICE_URL). */
  readonly clientsServiceUrl: string;
  /** SERVICE_TOKEN_SECRET: signs the service tokens of the calls to the clients service. */
  readonly serviceTokenSecret: string;
  /** READ_MODEL_RETIRE_AFTER_SECONDS, in ms: see ReadModelRetirement. */
  readonly readModelRetireAfterMs: number;
}

const SETTINGS = Symbol('VISITS_FEATURE_SETTINGS');

/**
 * Starts the visits context's background work with the service: the relay, the client's visit
 * list (`client_visits`) and the BI statistics (`bi_*`).
 */
@Injectable()
class VisitsWorkers implements OnModuleInit {
  constructor(
    private readonly host: WorkerHost,
    @Inject(SETTINGS) private readonly settings: VisitsFeatureSettings,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KAFKA) private readonly kafka: MessagingClient,
    @Inject(MONGO_CONNECTION) private readonly mongo: Connection,
    private readonly cipher: PersonalDataCipher,
    private readonly queries: ClientVisitQueries,
  ) {}

  onModuleInit(): void {
    const prefix = this.settings.topicPrefix;
    const producer = this.kafka.producer();
    const relay = new EventRelay({
      name: `${prefix}visits-relay`,
      store: this.store,
      streamPrefixes: VISIT_STREAM_PREFIXES,
      toMessages: visitMessages(this.store, visitEventCodec(this.cipher), prefix + TOPICS.visitEvents.name),
      producer,
      checkpoints: new MongoCheckpointStore(this.mongo),
    });
    this.host.register(relayWorker(relay, producer));

    const projections = { visitList: createClientVisitsProjection(), statistics: createVisitStatisticsProjection() };
    const visitList = this.runner(projections.visitList);
    this.host.register({
      ...projectionWorker(visitList),
      start: async () => {
        await this.queries.ensureIndexes();
        await visitList.start();
      },
    });
    this.host.register(projectionWorker(this.runner(projections.statistics)));
    this.host.register(
      new ReadModelRetirement({
        name: `${prefix}visits.read-model-retirement`,
        mongo: this.mongo,
        collections: Object.values(projections).flatMap((projection) => projection.collections),
        retireAfterMs: this.settings.readModelRetireAfterMs,
      }),
    );
  }

  private runner(projection: Projection): ProjectionRunner {
    return new ProjectionRunner(withTopicPrefix(projection, this.settings.topicPrefix), this.kafka, this.mongo);
  }
}

@Module({})
export class VisitsFeatureModule {
  static forRoot(settings: VisitsFeatureSettings): DynamicModule {
    return {
      module: VisitsFeatureModule,
      imports: [WorkersModule],
      controllers: [
        BookVisitController,
        ChangeVisitStatusController,
        RescheduleVisitController,
        ChangeVisitServicesController,
        RecordVisitPaymentController,
        GetVisitController,
        ListClientVisitsController,
        FindVisitByNumberController,
        ExportClientVisitsController,
      ],
      providers: [
        { provide: SETTINGS, useValue: settings },
        {
          provide: CLIENT_ADMISSIONS,
          useFactory: () => new HttpClientAdmissions(settings.clientsServiceUrl, new ServiceTokenIssuer(settings.serviceTokenSecret, 'visits-service')),
        },
        VisitStream,
        {
          provide: ClientVisitQueries,
          inject: [MONGO_CONNECTION, CursorCodec],
          useFactory: (mongo: Connection, cursors: CursorCodec) => new ClientVisitQueries(mongo, cursors),
        },
        // One service per use case: the controllers call these, nothing in between.
        BookVisit,
        ChangeVisitStatus,
        RescheduleVisit,
        ChangeVisitServices,
        RecordVisitPayment,
        GetVisit,
        ExportClientVisits,
        VisitsWorkers,
      ],
    };
  }
}
