import { Inject, Injectable } from '@nestjs/common';
import { ConsentCommand, ConsentEvent, ConsentState, consentDecider, toConsentStreamName } from '@salon/consent/domain';
import { DomainError } from '@salon/shared/ddd';
import { CommandHandler, EventCodec } from '@salon/shared/event-sourcing';
import { EVENT_STORE, EventStore, RecordedEvent } from '@salon/shared/event-store';
import { consentEventCodec } from '../relay/consent-integration-events';

export interface ConsentWriteResult {
  readonly clientId: string;
  /** The consent stream's revision after the command (undefined: the stream does not exist). */
  readonly revision: bigint | undefined;
  /** How many events the command recorded (0: nothing changed). */
  readonly recorded: number;
  readonly state: ConsentState;
}

/**
 * The consent ledger: one stream per client (`consent-<clientId>`), every rule in consentDecider.
 * What every consent use case shares — the stream, its codec, loading and recording — and
 * nothing a single use case decides. Commands carry no If-Match (a switch is not edited from a
 * stale form: "ON" is "ON"), so a concurrent append is decided again on the fresh state instead
 * of failing.
 */
@Injectable()
export class ConsentLedger {
  private readonly handler: CommandHandler<ConsentState, ConsentCommand, ConsentEvent>;
  readonly codec: EventCodec<ConsentEvent>;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {
    this.codec = consentEventCodec();
    this.handler = new CommandHandler(store, consentDecider, this.codec);
  }

  /** Decides the command on the client's ledger and appends what it decided. */
  async record(clientId: string, command: ConsentCommand): Promise<ConsentWriteResult> {
    const result = await this.handler.handle(toConsentStreamName(clientId), command);
    return { clientId, revision: result.revision, recorded: result.events.length, state: result.state };
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

  /** The recorded events of the client's ledger, oldest first; none when there is no record in this chain. */
  async recorded(tenantId: string, clientId: string): Promise<readonly RecordedEvent[]> {
    const recorded = await this.store.readStream(toConsentStreamName(clientId));
    return recorded.length === 0 || recorded[0].metadata.tenantId !== tenantId ? [] : recorded;
  }
}
