import { Logger } from '@nestjs/common';
import type { Document } from 'mongodb';
import { CLIENT_EVENT_TYPES_V1, ClientEventTypeV1, TOPICS } from '@salon/contracts';
import { archivedDisplayName, displayNameOf, phoneSearchKeys, searchableText } from '@salon/clients/domain';
import { DecryptedPayload, PersonalDataCipher } from '@salon/shared/crypto';
import { IncomingMessage, Projection, ReadModelWrite, WriteBatch, guardedUpsert } from '@salon/shared/messaging';
import {
  CLIENT_PROFILES_COLLECTION,
  ClientSearchKeys,
  EMPTY_VISIT_STATISTICS,
  PERSONAL_DOCUMENT_FIELDS,
  PHONE_FACT_FIELDS,
} from './client-profile.document';

export const CLIENT_PROFILES_PROJECTION = 'client-profiles';

/** A projection that also tells how many messages it skipped (unknown types, tombstones). */
export interface ClientProfilesProjection extends Projection {
  readonly ignoredCount: number;
}

type Update = { $set: Document; $unset?: Document; $setOnInsert?: Document };

/** The profile fields an event carries in full (registration, edit); the rest of the document is kept. */
const PROFILE_FIELDS = [
  'firstName',
  'lastName',
  'patronymic',
  'phone',
  'phoneLineType',
  'smsCapable',
  'secondPhone',
  'secondPhoneLineType',
  'email',
  'birthDate',
  'gender',
  'comment',
] as const;

/** Everything a deletion removes: all but the id, tenant, status, revision and the dates of the tombstone. */
const FIELDS_REMOVED_ON_DELETION = [
  ...PERSONAL_DOCUMENT_FIELDS,
  ...PHONE_FACT_FIELDS,
  'displayName',
  'sortName',
  'search',
  'discounts',
  'consent',
  'visitStatistics',
  'registeredAt',
  'archivedNumber',
] as const;

const KNOWN_TYPES = new Set<string>(CLIENT_EVENT_TYPES_V1);

/**
 * The client profile view (`client_profiles`), one document per client, from
 * `clients.client-events.v1`. Personal fields are decrypted here with the client's data key; a
 * client erased before this runs (a rebuild) reads as `piiErased` and leaves nothing personal.
 *
 * Every write is a guardedUpsert on the client stream revision, so a redelivered or replayed
 * event changes nothing. Deletion therefore leaves a tombstone rather than removing the
 * document: a removed document could be re-created by a redelivered older event.
 *
 * `apply` is a closure, not a method: callers spread the projection to prefix its names.
 */
export function createClientProfilesProjection(cipher: PersonalDataCipher): ClientProfilesProjection {
  const logger = new Logger(`Projection:${CLIENT_PROFILES_PROJECTION}`);
  let ignoredCount = 0;

  const apply = async (messages: readonly IncomingMessage[]) => {
    const known = messages.filter(isKnownClientEvent);
    const ignored = messages.filter((message) => !isKnownClientEvent(message));
    if (ignored.length > 0) {
      ignoredCount += ignored.length;
      // Newer producers may publish types this version does not know; they must not stop it.
      logger.log(`skipped ${ignored.length} message(s) of types it does not handle: ${describeTypes(ignored)}`);
    }
    // Decryption is one key lookup per message: done concurrently, written in message order.
    const decrypted = await Promise.all(
      known.map((message) => cipher.decrypt(message.tenantId, message.data, { expectedSubjectId: message.key })),
    );
    const batch = new WriteBatch();
    known.forEach((message, index) => batch.add(CLIENT_PROFILES_COLLECTION, writeFor(message, decrypted[index])));
    return batch.toWrites();
  };

  return {
    name: CLIENT_PROFILES_PROJECTION,
    topics: [TOPICS.clientEvents.name],
    collections: [CLIENT_PROFILES_COLLECTION],
    apply,
    get ignoredCount() {
      return ignoredCount;
    },
  };
}

type KnownMessage = IncomingMessage & { readonly eventType: ClientEventTypeV1; readonly data: Record<string, unknown> };

function isKnownClientEvent(message: IncomingMessage): message is KnownMessage {
  return KNOWN_TYPES.has(message.eventType) && typeof message.data === 'object' && message.data !== null;
}

function describeTypes(messages: readonly IncomingMessage[]): string {
  return [...new Set(messages.map((message) => (message.data === null ? `${message.eventType} (tombstone)` : message.eventType)))].join(', ');
}

function writeFor(message: KnownMessage, data: DecryptedPayload): ReadModelWrite {
  const update = updateFor(message.eventType, data);
  return guardedUpsert(message.key, message.streamRevision, {
    ...update,
    $set: { ...update.$set, tenantId: message.tenantId },
  });
}

function updateFor(type: ClientEventTypeV1, data: DecryptedPayload): Update {
  switch (type) {
    case 'ClientRegistered':
      return registered(data);
    case 'ClientProfileEdited':
      return profileReplaced(data, dateOf(data['editedAt']));
    case 'ClientDiscountsSet':
      return discountsSet(data);
    case 'ClientPhotoSet':
      return photoSet(data);
    case 'ClientPhotoRemoved':
      return { $set: { updatedAt: dateOf(data['removedAt']) }, $unset: unsetOf(['photoRef']) };
    case 'ClientVisitNoted':
      // Changes nothing shown, but advances the revision: the view's ETag must follow the
      // stream, or a save made from the view would be refused as stale forever.
      return { $set: {} };
    case 'ClientDeleted':
      return deleted(data);
    case 'ClientErased':
      return erased(data);
  }
}

function registered(data: DecryptedPayload): Update {
  const registeredAt = dateOf(data['registeredAt']);
  const profile = profileReplaced(data, registeredAt);
  return {
    ...profile,
    $set: { ...profile.$set, status: 'active', registeredAt, discounts: { products: 0, services: 0 } },
    // Filled by the consent and visits contexts, whose writes may land before this one: kept if present.
    $setOnInsert: { consent: null, visitStatistics: EMPTY_VISIT_STATISTICS },
  };
}

/**
 * The whole profile as the event states it: a field absent from the event was cleared, so it is
 * unset here. After an erasure the personal fields read as absent, which writes none of them.
 */
function profileReplaced(data: DecryptedPayload, at: Date): Update {
  const present = PROFILE_FIELDS.filter((field) => data[field] !== undefined && data[field] !== null);
  const absent = PROFILE_FIELDS.filter((field) => !present.includes(field));
  const names = { firstName: text(data['firstName']), lastName: text(data['lastName']), patronymic: text(data['patronymic']) };
  const displayName = displayNameOf(names);
  return {
    $set: {
      ...Object.fromEntries(present.map((field) => [field, data[field]])),
      displayName,
      sortName: searchableText(displayName),
      search: searchKeysOf(names, text(data['phone']), text(data['secondPhone']), text(data['email'])),
      updatedAt: at,
    },
    ...(absent.length > 0 ? { $unset: unsetOf(absent) } : {}),
  };
}

/**
 * The name in the orders people type it: "first last patronymic", "last first patronymic" and
 * the display order "first patronymic last". No names, no keys: a nameless client is not found
 * by typing "Client".
 */
function searchKeysOf(
  names: { firstName?: string; lastName?: string; patronymic?: string },
  phone: string | undefined,
  secondPhone: string | undefined,
  email: string | undefined,
): ClientSearchKeys {
  const { firstName, lastName, patronymic } = names;
  const orders = [
    [firstName, lastName, patronymic],
    [lastName, firstName, patronymic],
    [firstName, patronymic, lastName],
  ];
  const name = orders.map((parts) => searchableText(parts.filter((part) => !!part).join(' '))).filter((key) => key !== '');
  const phones = [phone, secondPhone].flatMap((number) => (number ? phoneSearchKeys(number) : []));
  return {
    name: [...new Set(name)],
    phones: [...new Set(phones)],
    ...(email ? { email: email.toLowerCase() } : {}),
  };
}

function discountsSet(data: DecryptedPayload): Update {
  return {
    $set: {
      discounts: { products: percentOf(data['productDiscountPercent']), services: percentOf(data['serviceDiscountPercent']) },
      updatedAt: dateOf(data['setAt']),
    },
  };
}

function photoSet(data: DecryptedPayload): Update {
  const updatedAt = dateOf(data['setAt']);
  const photoRef = text(data['photoRef']);
  // Erased before a replay reached this event: the reference is personal data and stays unknown.
  if (photoRef === undefined) return { $set: { updatedAt }, $unset: unsetOf(['photoRef']) };
  return { $set: { photoRef, updatedAt } };
}

/** A tombstone: status and dates only, so the revision guard keeps older events from bringing it back. */
function deleted(data: DecryptedPayload): Update {
  const deletedAt = dateOf(data['deletedAt']);
  return { $set: { status: 'deleted', deletedAt, updatedAt: deletedAt }, $unset: unsetOf(FIELDS_REMOVED_ON_DELETION) };
}

/** GDPR erasure: nothing personal stays; visits (statistics) and discounts do, under an archive name. */
function erased(data: DecryptedPayload): Update {
  const erasedAt = dateOf(data['erasedAt']);
  const archivedNumber = Number(data['archivedNumber']);
  const displayName = archivedDisplayName(archivedNumber);
  return {
    $set: {
      status: 'erased',
      archivedNumber,
      displayName,
      sortName: searchableText(displayName),
      // Consent is personal data too; the consent context tombstones its own copy.
      consent: null,
      erasedAt,
      updatedAt: erasedAt,
    },
    $unset: unsetOf([...PERSONAL_DOCUMENT_FIELDS, ...PHONE_FACT_FIELDS, 'search']),
  };
}

function unsetOf(fields: readonly string[]): Document {
  return Object.fromEntries(fields.map((field) => [field, '']));
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function percentOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Event times are ISO strings; stored as dates so range filters and BI compare them as time. */
function dateOf(value: unknown): Date {
  const date = new Date(typeof value === 'string' || typeof value === 'number' ? value : Number.NaN);
  if (Number.isNaN(date.getTime())) throw new Error(`A client event has an invalid timestamp: ${JSON.stringify(value)}`);
  return date;
}
