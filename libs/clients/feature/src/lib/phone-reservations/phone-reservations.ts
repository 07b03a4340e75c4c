import { CommandMetadata } from '@salon/shared/ddd';
import {
  ClientProfileForm,
  CountryCode,
  PhoneReservationCommand,
  PhoneReservationEvent,
  PhoneReservationState,
  phoneReservationDecider,
  parseClientProfile,
  phoneReservationEventCatalog,
  toPhoneReservationStreamName,
} from '@salon/clients/domain';
import { PersonalDataCipher } from '@salon/shared/crypto';
import { CommandHandler, EventCodec } from '@salon/shared/event-sourcing';
import { EventStore } from '@salon/shared/event-store';

/**
 * The phone-reservation streams of the clients context (one per number and chain, see
 * `toPhoneReservationStreamName`). Reserving and releasing are separate appends from the client's
 * own, so they can be left half-done by a crash; `ClientRemovalFollowUp` and
 * `PhoneReservationSweeper` finish them.
 *
 * Reservation commands never carry the request's idempotency key: the key belongs to the
 * client's stream, and a released-then-reserved number must be reservable again.
 */
export class PhoneReservations {
  private readonly handler: CommandHandler<PhoneReservationState, PhoneReservationCommand, PhoneReservationEvent>;

  constructor(store: EventStore, cipher: PersonalDataCipher) {
    this.handler = new CommandHandler(
      store,
      phoneReservationDecider,
      // Reservation events hold no personal data; the subject is never used to decrypt.
      new EventCodec(phoneReservationEventCatalog, cipher, (stream) => stream),
    );
  }

  /**
   * Two registrations of one number at once both read a free reservation; only one append can
   * win. The loser decides again and gets the real answer (phone-taken, with the holder's id).
   */
  async reserve(metadata: CommandMetadata, e164: string, clientId: string, allowShared: boolean): Promise<void> {
    await this.decide(toPhoneReservationStreamName(metadata.tenantId, e164), {
      type: 'ReservePhone',
      data: { clientId, allowShared },
      metadata: { ...metadata, commandId: undefined },
    });
  }

  /** Releasing what the client does not hold changes nothing, so a release may be repeated. */
  async release(metadata: CommandMetadata, e164: string, clientId: string): Promise<void> {
    await this.releaseStream(metadata, toPhoneReservationStreamName(metadata.tenantId, e164), clientId);
  }

  /** For the sweeper, which knows a reservation by its stream (the number is only hashed there). */
  async releaseStream(metadata: CommandMetadata, streamName: string, clientId: string): Promise<void> {
    await this.decide(streamName, { type: 'ReleasePhone', data: { clientId }, metadata: { ...metadata, commandId: undefined } });
  }

  async holders(streamName: string, tenantId: string): Promise<readonly string[]> {
    const { state } = await this.handler.load(streamName, tenantId);
    return state.status === 'held' ? state.clientIds : [];
  }

  /** CommandHandler decides again on a concurrent change (no expected revision): that settles a race. */
  private async decide(streamName: string, command: PhoneReservationCommand): Promise<void> {
    await this.handler.handle(streamName, command);
  }
}

/**
 * The number a form would reserve, in E.164. The whole form is validated first, so a bad form
 * answers 400 before any number is reserved and leaves no trace.
 */
export function phoneToReserve(form: ClientProfileForm, defaultCountry: CountryCode, now = new Date()): string {
  return parseClientProfile(form, { defaultCountry, now }).phone;
}
