import { DynamicModule, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { TOPICS } from '@salon/contracts';
import { PersonalDataCipher } from '@salon/shared/crypto';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';
import { EventRelay, MongoCheckpointStore } from '@salon/shared/messaging';
import { KAFKA, MONGO_CONNECTION, WorkerHost, WorkersModule, relayWorker } from '@salon/shared/nest';
import { BookVisitController } from './book-visit/book-visit.http.controller';
import { BookVisitHandler } from './book-visit/book-visit.command';
import { ChangeVisitServicesController } from './change-visit-services/change-visit-services.http.controller';
import { ChangeVisitServicesHandler } from './change-visit-services/change-visit-services.command';
import { ChangeVisitStatusController } from './change-visit-status/change-visit-status.http.controller';
import { ChangeVisitStatusHandler } from './change-visit-status/change-visit-status.command';
import { GetVisitController } from './get-visit/get-visit.http.controller';
import { VISIT_STREAM_PREFIXES, visitEventCodec, visitMessages } from './publishing/visit-integration-events';
import { RecordVisitPaymentController } from './record-visit-payment/record-visit-payment.http.controller';
import { RecordVisitPaymentHandler } from './record-visit-payment/record-visit-payment.command';
import { RescheduleVisitController } from './reschedule-visit/reschedule-visit.http.controller';
import { RescheduleVisitHandler } from './reschedule-visit/reschedule-visit.command';
import { CLIENT_ADMISSIONS, HttpClientAdmissions } from './write/client-admissions';
import { VisitCommands } from './write/visit-commands.service';

export interface VisitsFeatureSettings {
  /** KAFKA_TOPIC_PREFIX: namespaces topics and consumer groups of one environment. */
  readonly topicPrefix: string;
  /** Where the clients service admits visits (CLIENTS_SERVICE_URL). */
  readonly clientsServiceUrl: string;
}

const SETTINGS = Symbol('VISITS_FEATURE_SETTINGS');

/** Starts the visits context's background work with the service: the relay and the read-model projections. */
@Injectable()
class VisitsWorkers implements OnModuleInit {
  constructor(
    private readonly host: WorkerHost,
    @Inject(SETTINGS) private readonly settings: VisitsFeatureSettings,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_CONNECTION) private readonly mongo: Connection,
    private readonly cipher: PersonalDataCipher,
  ) {}

  onModuleInit(): void {
    const prefix = this.settings.topicPrefix;
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const relay = new EventRelay({
      name: `${prefix}visits-relay`,
      store: this.store,
      streamPrefixes: VISIT_STREAM_PREFIXES,
      toMessages: visitMessages(this.store, visitEventCodec(this.cipher), prefix + TOPICS.visitEvents.name),
      producer,
      checkpoints: new MongoCheckpointStore(this.mongo),
    });
    this.host.register(relayWorker(relay, producer));
  }
}

@Module({})
export class VisitsFeatureModule {
  static forRoot(settings: VisitsFeatureSettings): DynamicModule {
    return {
      module: VisitsFeatureModule,
      imports: [CqrsModule.forRoot(), WorkersModule],
      controllers: [
        BookVisitController,
        ChangeVisitStatusController,
        RescheduleVisitController,
        ChangeVisitServicesController,
        RecordVisitPaymentController,
        GetVisitController,
      ],
      providers: [
        { provide: SETTINGS, useValue: settings },
        { provide: CLIENT_ADMISSIONS, useFactory: () => new HttpClientAdmissions(settings.clientsServiceUrl) },
        VisitCommands,
        BookVisitHandler,
        ChangeVisitStatusHandler,
        RescheduleVisitHandler,
        ChangeVisitServicesHandler,
        RecordVisitPaymentHandler,
        VisitsWorkers,
      ],
    };
  }
}
