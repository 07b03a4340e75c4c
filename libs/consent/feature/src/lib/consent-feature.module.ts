import { DynamicModule, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { TOPICS } from '@salon/contracts';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';
import { EventRelay, MessagingClient, MongoCheckpointStore } from '@salon/shared/messaging';
import { KAFKA, MONGO_CONNECTION, WorkerHost, WorkersModule, relayWorker } from '@salon/shared/nest';
import { ApplyRegistrationChoices } from './apply-registration-choices/apply-registration-choices.service';
import { CloseConsentRecord } from './close-consent-record/close-consent-record.service';
import { ConsentLedger } from './consent-ledger/consent-ledger';
import { GetConsentHistoryController } from './get-consent-history/get-consent-history.http.controller';
import { GetConsentHistory } from './get-consent-history/get-consent-history.query';
import { GetConsentController } from './get-consent/get-consent.http.controller';
import { GetConsent } from './get-consent/get-consent.query';
import { MayContactController } from './may-contact/may-contact.http.controller';
import { MayContact } from './may-contact/may-contact.query';
import { NotePhoneLineChange } from './note-phone-line-change/note-phone-line-change.service';
import { ClientEventsPolicy } from './policies/client-events-policy';
import { CONSENT_STREAM_PREFIXES, consentMessages } from './relay/consent-integration-events';
import { SetConsentController } from './set-consent/set-consent.http.controller';
import { SetConsent } from './set-consent/set-consent.service';
import { WithdrawAllMarketingController } from './withdraw-all-marketing/withdraw-all-marketing.http.controller';
import { WithdrawAllMarketing } from './withdraw-all-marketing/withdraw-all-marketing.service';
import { ExportClientConsentController } from './export-client-consent/export-client-consent.http.controller';

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
    @Inject(KAFKA) private readonly kafka: MessagingClient,
    @Inject(MONGO_CONNECTION) private readonly mongo: Connection,
    private readonly ledger: ConsentLedger,
    private readonly applyRegistrationChoices: ApplyRegistrationChoices,
    private readonly notePhoneLineChange: NotePhoneLineChange,
    private readonly closeConsentRecord: CloseConsentRecord,
  ) {}

  onModuleInit(): void {
    const prefix = this.settings.topicPrefix;
    const producer = this.kafka.producer();
    const relay = new EventRelay({
      name: `${prefix}consent-relay`,
      store: this.store,
      streamPrefixes: CONSENT_STREAM_PREFIXES,
      toMessages: consentMessages(this.store, this.ledger.codec, {
        events: prefix + TOPICS.consentEvents.name,
        state: prefix + TOPICS.consentState.name,
      }),
      producer,
      checkpoints: new MongoCheckpointStore(this.mongo),
    });
    this.host.register(relayWorker(relay, producer));
    const { applyRegistrationChoices, notePhoneLineChange, closeConsentRecord } = this;
    this.host.register(new ClientEventsPolicy(this.kafka, { applyRegistrationChoices, notePhoneLineChange, closeConsentRecord }, prefix));
  }
}

/** One service per use case: the controllers, the policy and tests call these, nothing in between. */
const USE_CASES = [
  SetConsent,
  WithdrawAllMarketing,
  ApplyRegistrationChoices,
  NotePhoneLineChange,
  CloseConsentRecord,
  GetConsent,
  GetConsentHistory,
  MayContact,
];

@Module({})
export class ConsentFeatureModule {
  static forRoot(settings: ConsentFeatureSettings): DynamicModule {
    return {
      module: ConsentFeatureModule,
      imports: [WorkersModule],
      controllers: [
        SetConsentController,
        WithdrawAllMarketingController,
        GetConsentController,
        GetConsentHistoryController,
        MayContactController,
        ExportClientConsentController,
      ],
      providers: [
        { provide: SETTINGS, useValue: settings },
        ConsentLedger,
        ...USE_CASES,
        ConsentWorkers,
      ],
      exports: USE_CASES,
    };
  }
}
