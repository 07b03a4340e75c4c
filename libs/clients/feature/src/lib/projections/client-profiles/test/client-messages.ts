import { randomUUID } from 'node:crypto';
import { ClientEventTypeV1, TOPICS } from '@salon/contracts';
import { ClientProfileForm, CountryCode, clientEventCatalog, parseClientProfile } from '@salon/clients/domain';
import { KeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { IncomingMessage } from '@salon/shared/messaging';

const FIXED_NOW = new Date('2025-06-01T12:00:00.000Z');

/**
 * Builds one client's messages as `clients.client-events.v1` carries them: the contract's fields,
 * personal ones encrypted with the client's data key (the domain's own list of them), passed
 * through JSON, with the stream revision counting up from 0.
 */
export class ClientMessages {
  private revision = -1n;
  private offset = 0;

  constructor(
    private readonly keys: KeyStore,
    readonly tenantId: string,
    readonly clientId: string = randomUUID(),
    private readonly country: CountryCode = 'PL',
  ) {}

  registered(form: ClientProfileForm, registeredAt = '2025-03-01T10:00:00.000Z'): Promise<IncomingMessage> {
    return this.message('ClientRegistered', { ...this.profile(form), initialConsent: {}, registeredAt });
  }

  edited(form: ClientProfileForm, editedAt = '2025-03-02T10:00:00.000Z'): Promise<IncomingMessage> {
    return this.message('ClientProfileEdited', { ...this.profile(form), editedAt });
  }

  discountsSet(products: number, services: number, setAt = '2025-03-03T10:00:00.000Z'): Promise<IncomingMessage> {
    return this.message('ClientDiscountsSet', { productDiscountPercent: products, serviceDiscountPercent: services, setAt });
  }

  photoSet(photoRef: string, setAt = '2025-03-04T10:00:00.000Z'): Promise<IncomingMessage> {
    return this.message('ClientPhotoSet', { photoRef, setAt });
  }

  photoRemoved(removedAt = '2025-03-05T10:00:00.000Z'): Promise<IncomingMessage> {
    return this.message('ClientPhotoRemoved', { removedAt });
  }

  deleted(deletedAt = '2025-03-06T10:00:00.000Z'): Promise<IncomingMessage> {
    return this.message('ClientDeleted', { deletedAt });
  }

  /** As the write side erases: the data key is destroyed, then the event (nothing personal in it) goes out. */
  async erased(archivedNumber: number, erasedAt = '2025-03-07T10:00:00.000Z'): Promise<IncomingMessage> {
    await this.keys.deleteKey(this.tenantId, this.clientId);
    return this.message('ClientErased', { archivedNumber, erasedAt });
  }

  legalHoldPlaced(reason: string, reference?: string, placedAt = '2025-03-08T10:00:00.000Z'): Promise<IncomingMessage> {
    return this.message('ClientLegalHoldPlaced', { reason, ...(reference === undefined ? {} : { reference }), placedAt });
  }

  legalHoldLifted(liftedAt = '2025-03-09T10:00:00.000Z'): Promise<IncomingMessage> {
    return this.message('ClientLegalHoldLifted', { liftedAt });
  }

  /** A type this version of the contract does not know, from a newer producer. */
  unknown(type: string, data: Record<string, unknown> = {}): IncomingMessage {
    return this.envelope(type, { clientId: this.clientId, ...data });
  }

  private profile(form: ClientProfileForm) {
    return parseClientProfile(form, { defaultCountry: this.country, now: FIXED_NOW });
  }

  private async message(type: ClientEventTypeV1, data: Record<string, unknown>): Promise<IncomingMessage> {
    const personal: readonly string[] = clientEventCatalog[type].personalFields ?? [];
    const payload: Record<string, unknown> = { clientId: this.clientId, ...data };
    const encrypted = await new PersonalDataCipher(this.keys).encrypt(this.tenantId, this.clientId, payload, personal);
    return this.envelope(type, JSON.parse(JSON.stringify(encrypted)));
  }

  private envelope(type: string, data: Record<string, unknown>): IncomingMessage {
    this.revision += 1n;
    this.offset += 1;
    return {
      topic: TOPICS.clientEvents.name,
      partition: 0,
      offset: String(this.offset),
      key: this.clientId,
      eventId: randomUUID(),
      eventType: type,
      schemaVersion: 1,
      tenantId: this.tenantId,
      correlationId: randomUUID(),
      causationId: randomUUID(),
      streamRevision: this.revision,
      data,
    };
  }
}
