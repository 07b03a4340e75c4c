import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ClientCommand,
  ClientEvent,
  ClientProfileForm,
  ClientState,
  CountryCode,
  InitialConsentChoices,
  clientDecider,
  clientEventCatalog,
  clientIdOfStream,
  parseClientProfile,
  phoneInUse,
  phonesOfHistory,
  toClientStreamName,
} from '@salon/clients/domain';
import { KEY_STORE, KeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { CommandMetadata, DomainError } from '@salon/shared/ddd';
import { CONTENDED_STREAM, CommandHandler, EventCodec, deterministicUuid } from '@salon/shared/event-sourcing';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { ArchiveNumbers } from './archive-numbers';
import { PhoneReservations } from './phone-reservations';

export const CLIENTS_SETTINGS = Symbol('CLIENTS_SETTINGS');

export interface ClientsSettings {
  /** The chain's country, for phone numbers typed without a country code. */
  readonly defaultPhoneCountry: CountryCode;
}

export interface WriteResult {
  readonly clientId: string;
  /** The stream revision after the command: the ETag for the next If-Match. */
  readonly revision: bigint | undefined;
}

/**
 * The clients' write side. Each method is one use case: it keeps the rules that span more
 * than one stream (phone reservations, archive numbers, data keys) and leaves the rules of a
 * single client to the decider.
 */
@Injectable()
export class ClientCommands {
  private readonly clients: CommandHandler<ClientState, ClientCommand, ClientEvent>;
  private readonly phones: PhoneReservations;
  private readonly archiveNumbers: ArchiveNumbers;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
    @Inject(CLIENTS_SETTINGS) private readonly settings: ClientsSettings,
    cipher: PersonalDataCipher,
  ) {
    this.clients = new CommandHandler(store, clientDecider, new EventCodec(clientEventCatalog, cipher, clientIdOfStream));
    this.phones = new PhoneReservations(store, cipher);
    this.archiveNumbers = new ArchiveNumbers(store);
  }

  async register(
    context: CommandContext,
    form: ClientProfileForm & { allowSharedPhone?: boolean; initialConsent?: InitialConsentChoices },
  ): Promise<WriteResult> {
    const clientId = clientIdFor(context);
    const { allowSharedPhone = false, initialConsent, ...profile } = form;
    const phone = this.validPhone(profile);
    await this.phones.reserve(commandMetadata(context), phone, clientId, allowSharedPhone);
    try {
      const result = await this.clients.handle(toClientStreamName(clientId), {
        type: 'RegisterClient',
        data: { ...profile, clientId, defaultCountry: this.settings.defaultPhoneCountry, initialConsent },
        metadata: commandMetadata(context),
      });
      return { clientId, revision: result.revision };
    } catch (error) {
      // A crash right here leaves the reservation behind: PhoneReservationSweeper releases it.
      await this.phones.release(commandMetadata(context), phone, clientId);
      throw error;
    }
  }

  /** One explicit save of the whole profile form, made on the revision the user saw. */
  async editProfile(
    context: CommandContext,
    clientId: string,
    form: ClientProfileForm & { allowSharedPhone?: boolean },
    expectedRevision: bigint,
  ): Promise<WriteResult> {
    const { allowSharedPhone = false, ...profile } = form;
    const before = await this.activeClient(context, clientId);
    const newPhone = this.validPhone(profile);
    const phoneChanges = newPhone !== before.profile.phone;
    if (phoneChanges) await this.phones.reserve(commandMetadata(context), newPhone, clientId, allowSharedPhone);
    try {
      const result = await this.clients.handle(
        toClientStreamName(clientId),
        {
          type: 'EditClientProfile',
          data: { ...profile, clientId, defaultCountry: this.settings.defaultPhoneCountry },
          metadata: commandMetadata(context),
        },
        { expectedRevision },
      );
      // Left undone by a crash, ClientRemovalFollowUp releases the former number.
      if (phoneChanges) await this.phones.release(commandMetadata(context), before.profile.phone, clientId);
      return { clientId, revision: result.revision };
    } catch (error) {
      if (phoneChanges) await this.phones.release(commandMetadata(context), newPhone, clientId);
      throw error;
    }
  }

  async setDiscounts(
    context: CommandContext,
    clientId: string,
    discounts: { productDiscountPercent: number; serviceDiscountPercent: number },
    expectedRevision?: bigint,
  ): Promise<WriteResult> {
    const result = await this.clients.handle(
      toClientStreamName(clientId),
      { type: 'SetClientDiscounts', data: { clientId, ...discounts }, metadata: commandMetadata(context) },
      { expectedRevision },
    );
    return { clientId, revision: result.revision };
  }

  /**
   * Asked by the visits context before a booking (admission) and told again for every visit
   * event. Several desks may book the same client at once, and every one appends to this
   * client's stream: a conflict is decided again on the new state (noting is idempotent), as on
   * any contended stream.
   */
  async noteVisit(context: CommandContext, clientId: string, visitId: string): Promise<WriteResult> {
    const result = await this.clients.handle(
      toClientStreamName(clientId),
      { type: 'NoteClientVisit', data: { clientId, visitId }, metadata: commandMetadata(context) },
      { conflictRetry: CONTENDED_STREAM },
    );
    return { clientId, revision: result.revision };
  }

  /**
   * Hard deletion of a client created by mistake (refused when any visit is known). The data
   * key goes too, so the personal data in its events is gone as well. A retry with the same
   * Idempotency-Key answers like the first and finishes what the first left undone.
   */
  async delete(context: CommandContext, clientId: string, expectedRevision?: bigint): Promise<void> {
    try {
      await this.clients.handle(
        toClientStreamName(clientId),
        { type: 'DeleteClient', data: { clientId }, metadata: commandMetadata(context) },
        { expectedRevision },
      );
    } catch (error) {
      // For the API a deleted client does not exist, as if it never had.
      if (error instanceof DomainError && error.code === 'client-deleted') throw clientNotFound(clientId);
      throw error;
    }
    await this.settle(commandMetadata(context), clientId);
  }

  /**
   * GDPR erasure: records the anonymisation, then destroys the client's data key, which makes
   * every copy of their personal data (event store, Kafka, rebuilt read models) unreadable.
   * Visits and amounts stay, under "Archived client N". Safe to retry: a retry finishes the job.
   */
  async erase(context: CommandContext, clientId: string): Promise<{ clientId: string; archivedNumber: number }> {
    const stream = toClientStreamName(clientId);
    const { state } = await this.clients.load(stream, context.principal.tenantId);
    if (state.status === 'unregistered' || state.status === 'deleted') throw clientNotFound(clientId);
    const archivedNumber =
      state.status === 'erased'
        ? state.archivedNumber
        : await this.archiveNumbers.allocate(context.principal.tenantId, clientId, context.correlationId);
    await this.clients.handle(stream, { type: 'EraseClient', data: { clientId, archivedNumber }, metadata: commandMetadata(context) });
    await this.settle(commandMetadata(context), clientId);
    return { clientId, archivedNumber };
  }

  /**
   * Brings what lives beside the client's stream in line with it: releases every number the
   * client had but no longer uses, and once the client is deleted or erased destroys the data key —
   * after the releases, because the numbers are readable only with the key. Each step may be
   * repeated, so the use cases run it right after their append and ClientRemovalFollowUp runs it
   * again from the event store for whatever a crash left undone.
   */
  async settle(metadata: CommandMetadata, clientId: string): Promise<void> {
    const { state, history } = await this.clients.load(toClientStreamName(clientId), metadata.tenantId);
    if (state.status === 'unregistered') return;
    const inUse = phoneInUse(state);
    for (const phone of phonesOfHistory(history)) {
      if (phone !== inUse) await this.phones.release(metadata, phone, clientId);
    }
    if (state.status === 'deleted' || state.status === 'erased') await this.keys.deleteKey(metadata.tenantId, clientId);
  }

  /** The client's current state, from its own stream (never from a read model, which may lag). */
  async load(tenantId: string, clientId: string): Promise<ClientState> {
    return (await this.clients.load(toClientStreamName(clientId), tenantId)).state;
  }

  /** Validates the whole form before any phone is reserved, so a bad form leaves no trace. */
  private validPhone(form: ClientProfileForm): string {
    return parseClientProfile(form, { defaultCountry: this.settings.defaultPhoneCountry, now: new Date() }).phone;
  }

  private async activeClient(context: CommandContext, clientId: string) {
    const { state } = await this.clients.load(toClientStreamName(clientId), context.principal.tenantId);
    if (state.status !== 'active') throw clientNotFound(clientId);
    return state;
  }
}

/** A retried registration (same Idempotency-Key) must land on the same client id. */
function clientIdFor(context: CommandContext): string {
  return context.idempotencyKey
    ? deterministicUuid(context.principal.tenantId, 'register-client', context.idempotencyKey)
    : randomUUID();
}

export function clientNotFound(clientId: string): DomainError {
  return DomainError.notFound('client-not-found', 'There is no such client in your salon chain.', { clientId });
}
