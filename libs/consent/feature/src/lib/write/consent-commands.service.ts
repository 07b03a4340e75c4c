import { Inject, Injectable } from '@nestjs/common';
import {
  ConsentCommand,
  ConsentEvent,
  ConsentPermission,
  ConsentSource,
  ConsentState,
  InitialConsentChoices,
  MarketingConsentEvidence,
  clientIdOfConsentStream,
  consentDecider,
  consentEventCatalog,
  isMarketingPermission,
  parseConsentPermission,
  toConsentStreamName,
} from '@salon/consent/domain';
import { PersonalDataCipher } from '@salon/shared/crypto';
import { DomainError } from '@salon/shared/ddd';
import { CommandHandler, EventCodec } from '@salon/shared/event-sourcing';
import { EVENT_STORE, EventStore, RecordedEvent } from '@salon/shared/event-store';
import { CommandContext, MessageContext, commandMetadata, messageMetadata } from '@salon/shared/nest';

export interface ConsentWriteResult {
  readonly clientId: string;
  /** The consent stream's revision after the command (undefined: the stream does not exist). */
  readonly revision: bigint | undefined;
  /** How many events the command recorded (0: nothing changed). */
  readonly recorded: number;
  readonly state: ConsentState;
}

/** One recorded change of the ledger, decoded, with its position in the stream. */
export interface ConsentHistoryEntry {
  readonly revision: bigint;
  readonly event: ConsentEvent;
  readonly recordedAt: Date;
  readonly correlationId: string;
}

/** A marketing grant: the evidence of written consent is required. */
export interface ConsentChange {
  readonly granted: boolean;
  readonly source: ConsentSource;
  readonly evidence?: MarketingConsentEvidence;
}

/**
 * The consent context's write side: one stream per client (`consent-<clientId>`), every rule in
 * consentDecider. Commands carry no If-Match (a switch is not edited from a stale form: "ON" is
 * "ON"), so a concurrent append is retried on the fresh state instead of failing.
 */
@Injectable()
export class ConsentCommands {
  private readonly handler: CommandHandler<ConsentState, ConsentCommand, ConsentEvent>;
  readonly codec: EventCodec<ConsentEvent>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    cipher: PersonalDataCipher,
  ) {
    // Consent events have no personal fields: the cipher is never used to encrypt.
    this.codec = new EventCodec(consentEventCatalog, cipher, clientIdOfConsentStream);
    this.handler = new CommandHandler(store, consentDecider, this.codec);
  }

  /** Grants or withdraws one permission; a marketing grant goes with its written consent. */
  change(context: CommandContext, clientId: string, permissionName: string, change: ConsentChange): Promise<ConsentWriteResult> {
    const permission: ConsentPermission = parseConsentPermission(permissionName);
    const metadata = commandMetadata(context);
    if (!change.granted) {
      return this.run(clientId, { type: 'WithdrawConsent', data: { clientId, permission, source: change.source }, metadata });
    }
    if (isMarketingPermission(permission)) {
      if (change.evidence === undefined || change.evidence === null) {
        throw DomainError.invalid(
          'written-consent-required',
          `"${permission}" may be switched on only with the client's written consent: send its "evidence"`,
          { field: 'evidence', permission },
        );
      }
      return this.run(clientId, {
        type: 'GrantMarketingConsent',
        data: { clientId, permission, evidence: change.evidence, source: change.source },
        metadata,
      });
    }
    return this.run(clientId, { type: 'GrantConsent', data: { clientId, permission, source: change.source }, metadata });
  }

  withdrawAllMarketing(context: CommandContext, clientId: string, source: ConsentSource): Promise<ConsentWriteResult> {
    return this.run(clientId, { type: 'WithdrawAllMarketing', data: { clientId, source }, metadata: commandMetadata(context) });
  }

  /** From the clients' ClientRegistered. */
  applyRegistration(
    context: MessageContext,
    clientId: string,
    registration: { smsCapable: boolean; hasEmail: boolean; initialConsent?: InitialConsentChoices },
  ): Promise<ConsentWriteResult> {
    return this.run(clientId, {
      type: 'ApplyRegistrationChoices',
      data: { clientId, ...registration },
      metadata: messageMetadata(context),
    });
  }

  /** From the clients' ClientProfileEdited. */
  notePhoneLine(context: MessageContext, clientId: string, smsCapable: boolean): Promise<ConsentWriteResult> {
    return this.run(clientId, { type: 'NotePhoneLineChange', data: { clientId, smsCapable }, metadata: messageMetadata(context) });
  }

  /** From the clients' ClientDeleted / ClientErased. */
  close(context: MessageContext, clientId: string, reason: 'deleted' | 'erased'): Promise<ConsentWriteResult> {
    return this.run(clientId, { type: 'CloseConsent', data: { clientId, reason }, metadata: messageMetadata(context) });
  }

  /** The client's consent as it now stands (status 'none' when there is no record in this chain). */
  async current(tenantId: string, clientId: string): Promise<{ state: ConsentState; revision: bigint | undefined }> {
    try {
      return await this.handler.load(toConsentStreamName(clientId), tenantId);
    } catch (error) {
      // A client of another chain reads as unknown here: its existence is not disclosed.
      if (error instanceof DomainError && error.kind === 'not-found') return { state: { status: 'none' }, revision: undefined };
      throw error;
    }
  }

  /** The whole ledger of a client, oldest first; empty when there is no record in this chain. */
  async history(tenantId: string, clientId: string): Promise<ConsentHistoryEntry[]> {
    const recorded = await this.store.readStream(toConsentStreamName(clientId));
    if (recorded.length === 0 || recorded[0].metadata.tenantId !== tenantId) return [];
    return Promise.all(recorded.map(async (event) => this.entryOf(event)));
  }

  private async entryOf(event: RecordedEvent): Promise<ConsentHistoryEntry> {
    return {
      revision: event.revision,
      event: await this.codec.decode(event),
      recordedAt: event.createdAt,
      correlationId: event.metadata.correlationId,
    };
  }

  private async run(clientId: string, command: ConsentCommand): Promise<ConsentWriteResult> {
    const result = await this.handler.handle(toConsentStreamName(clientId), command);
    return { clientId, revision: result.revision, recorded: result.events.length, state: result.state };
  }
}
