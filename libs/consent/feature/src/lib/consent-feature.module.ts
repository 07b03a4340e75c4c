import { DynamicModule, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { TOPICS } from '@salon/contracts';
import { PersonalDataCipher } from '@salon/shared/crypto';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';
import { EventRelay, MongoCheckpointStore } from '@salon/shared/messaging';
import { KAFKA, MONGO_CONNECTION, WorkerHost, WorkersModule, relayWorker } from '@salon/shared/nest';
import { GetConsentHistoryController } from './get-consent-history/get-consent-history.http.controller';
import { GetConsentController } from './get-consent/get-consent.http.controller';
import { MayContactController } from './may-contact/may-contact.http.controller';
import { ClientEventsPolicy } from './publishing/client-events-policy';
import { CONSENT_STREAM_PREFIXES, consentMessages } from './publishing/consent-integration-events';
import { SetConsentHandler } from './set-consent/set-consent.command';
import { SetConsentController } from './set-consent/set-consent.http.controller';
import { WithdrawAllMarketingHandler } from './withdraw-all-marketing/withdraw-all-marketing.command';
import { WithdrawAllMarketingController } from './withdraw-all-marketing/withdraw-all-marketing.http.controller';
import { ConsentCommands } from './write/consent-commands.service';

export interface ConsentFeatureSettings {
  /** KAFKA_TOPIC_PREFIX: namespaces topics and consumer groups of one environment. */
  readonly topicPrefix: string;
}

const SETTINGS = Symbol('CONSENT_FEATURE_SETTINGS');

/**
 * Starts the consent context's background work with the service: the relay that publishes every
 * consent event and the state after it, and the policy that follows the clients context.
 */
@Injectable()
class ConsentWorkers implements OnModuleInit {
  constructor(
    private readonly host: WorkerHost,
    @Inject(SETTINGS) private readonly settings: ConsentFeatureSettings,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_CONNECTION) private readonly mongo: Connection,
    private readonly cipher: PersonalDataCipher,
    private readonly commands: ConsentCommands,
  ) {}

  onModuleInit(): void {
    const prefix = this.settings.topicPrefix;
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const relay = new EventRelay({
      name: `${prefix}consent-relay`,
      store: this.store,
      streamPrefixes: CONSENT_STREAM_PREFIXES,
      toMessages: consentMessages(this.store, this.commands.codec, {
        events: prefix + TOPICS.consentEvents.name,
        state: prefix + TOPICS.consentState.name,
      }),
      producer,
      checkpoints: new MongoCheckpointStore(this.mongo),
    });
    this.host.register(relayWorker(relay, producer));
    this.host.register(new ClientEventsPolicy(this.kafka, this.commands, this.cipher, prefix));
  }
}

@Module({})
export class ConsentFeatureModule {
  static forRoot(settings: ConsentFeatureSettings): DynamicModule {
    return {
      module: ConsentFeatureModule,
      imports: [CqrsModule.forRoot(), WorkersModule],
      controllers: [
        SetConsentController,
        WithdrawAllMarketingController,
        GetConsentController,
        GetConsentHistoryController,
        MayContactController,
      ],
      providers: [
        { provide: SETTINGS, useValue: settings },
        ConsentCommands,
        SetConsentHandler,
        WithdrawAllMarketingHandler,
        ConsentWorkers,
      ],
      exports: [ConsentCommands],
    };
  }
}
