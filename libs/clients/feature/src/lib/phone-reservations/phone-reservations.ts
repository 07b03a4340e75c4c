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
import { EventStore, WrongExpectedRevisionError } from '@salon/shared/event-store';
import { PhoneReservationKeyring, keysOf } from './phone-reservation-keys';

/**
 * The phone-reservation streams of the clients context (one per number and chain under each key
 * of the ring, see `toPhoneReservationStreamName`). Reserving and releasing are separate appends
 * from the client's own, so they can be left half-done by a crash; `ClientRemovalFollowUp` and
 * `PhoneReservationSweeper` finish them.
 *
 * A stream that no client holds any more is deleted: its name, keyed as it is, still stands for
 * one number, and the events name the clients who had it — nothing of that need outlive the use.
 *
 * Reservation commands never carry the request's idempotency key: the key belongs to the
 * client's stream, and a released-then-reserved number must be reservable again.
 */
export class PhoneReservations {
  private readonly handler: CommandHandler<PhoneReservationState, PhoneReservationCommand, PhoneReservationEvent>;

  constructor(
    private readonly store: EventStore,
    cipher: PersonalDataCipher,
    private readonly keyring: PhoneReservationKeyring,
  ) {
    this.handler = new CommandHandler(
      store,
      phoneReservationDecider,
      // Reservation events hold no personal data; the subject is never used to decrypt.
      new EventCodec(phoneReservationEventCatalog, cipher, (stream) => stream),
    );
  }

  /** The streams that reserve a number: under the current key and, during a rotation, each previous one. */
  streamNamesOf(tenantId: string, e164: string): string[] {
    return keysOf(this.keyring).map((key) => toPhoneReservationStreamName(tenantId, e164, key));
  }

  /**
   * Two registrations of one number at once both read a free reservation; only one append can
   * win. The loser decides again and gets the real answer (phone-taken, with the holder's id).
   * With several keys, the number is taken on every key's stream or on none: a refusal by one
   * gives back what this call took on the others (a crash in between is the sweeper's case).
   */
  /**
   * Tells whether the client already held the number on some stream before (a retried
   * registration): such a reservation may be old enough for the sweeper to release it meanwhile.
   */
  async reserve(metadata: CommandMetadata, e164: string, clientId: string, allowShared: boolean): Promise<{ readonly heldBefore: boolean }> {
    const taken: string[] = [];
    let heldBefore = false;
    try {
      for (const streamName of this.streamNamesOf(metadata.tenantId, e164)) {
        const appended = await this.reserveStream(metadata, streamName, clientId, allowShared);
        if (appended) taken.push(streamName);
        else heldBefore = true;
      }
    } catch (error) {
      for (const streamName of taken) await this.releaseStream(metadata, streamName, clientId);
      throw error;
    }
    return { heldBefore };
  }

  /** Reserves one stream of the number for the client; false when the client held it already. */
  async reserveStream(metadata: CommandMetadata, streamName: string, clientId: string, allowShared: boolean): Promise<boolean> {
    return this.decide(streamName, { type: 'ReservePhone', data: { clientId, allowShared }, metadata: { ...metadata, commandId: undefined } });
  }

  /** Releasing what the client does not hold changes nothing, so a release may be repeated. */
  async release(metadata: CommandMetadata, e164: string, clientId: string): Promise<void> {
    for (const streamName of this.streamNamesOf(metadata.tenantId, e164)) await this.releaseStream(metadata, streamName, clientId);
  }

  /** For the sweeper, which knows a reservation by its stream (the number is only keyed-hashed there). */
  async releaseStream(metadata: CommandMetadata, streamName: string, clientId: string): Promise<void> {
    await this.decide(streamName, { type: 'ReleasePhone', data: { clientId }, metadata: { ...metadata, commandId: undefined } });
    await this.deleteIfFree(streamName, metadata.tenantId);
  }

  async holders(streamName: string, tenantId: string): Promise<readonly string[]> {
    const { state } = await this.handler.load(streamName, tenantId);
    return state.status === 'held' ? state.clientIds : [];
  }

  /**
   * Deletes the chain's stream if nobody holds the number, at the revision that said so: a
   * reservation appended in between keeps the stream (the delete is refused), and a crash before
   * the delete leaves a free stream that the next release of it, or the migration, deletes.
   * Tells whether it deleted the stream.
   */
  async deleteIfFree(streamName: string, tenantId: string): Promise<boolean> {
    const { state, revision } = await this.handler.load(streamName, tenantId);
    if (state.status !== 'free' || revision === undefined) return false;
    try {
      await this.store.deleteStream(streamName, { expectedRevision: revision });
      return true;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return false;
      throw error;
    }
  }

  /**
   * CommandHandler decides again on a concurrent change (no expected revision): that settles a race.
   * Tells whether anything was appended (false: the stream already said so).
   */
  private async decide(streamName: string, command: PhoneReservationCommand): Promise<boolean> {
    const { events } = await this.handler.handle(streamName, command);
    return events.length > 0;
  }
}

/**
 * The number a form would reserve, in E.164. The whole form is validated first, so a bad form
 * answers 400 before any number is reserved and leaves no trace.
 */
export function phoneToReserve(form: ClientProfileForm, defaultCountry: CountryCode, now = new Date()): string {
  return parseClientProfile(form, { defaultCountry, now }).phone;
}
