import { Logger } from '@nestjs/common';
import { CLIENT_EVENT_TYPES_V1, ClientEventTypeV1, ConsentStateV1, TOPICS, VisitEventV1 } from '@salon/contracts';
import { archivedDisplayName, displayNameOf, nameSearchKeys, phoneSearchKeys, searchableText } from '@salon/clients/domain';
import { DecryptedPayload, PersonalDataCipher } from '@salon/shared/crypto';
import { Evolved, IncomingMessage, Projection } from '@salon/shared/messaging';
import { computeCardVisitTotals, toLedgeredVisit } from '../client-visit-ledger/card-visit-totals';
import {
  CLIENT_PROFILES_COLLECTION,
  ClientProfileDocument,
  ClientSearchKeys,
  EMPTY_CARD_VISIT_TOTALS,
  PERSONAL_DOCUMENT_FIELDS,
  PHONE_FACT_FIELDS,
} from './client-profile.document';
import { summaryOf } from './consent-summary';

export const CLIENT_PROFILES_PROJECTION = 'client-profiles';

/** A projection that also tells how many messages it skipped (unknown types, tombstones). */
export interface ClientProfilesProjection extends Projection<ClientProfileDocument> {
  readonly ignoredCount: () => number;
}

/** What a client event changes: fields set, fields removed, and fields set only when the document has none yet. */
interface Change {
  readonly set: Partial<ClientProfileDocument>;
  readonly unset?: readonly string[];
  readonly defaults?: Partial<ClientProfileDocument>;
}

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

/** Everything a deletion removes: all but the id, tenant, status, revisions and the dates of the tombstone. */
const FIELDS_REMOVED_ON_DELETION = [
  ...PERSONAL_DOCUMENT_FIELDS,
  ...PHONE_FACT_FIELDS,
  'displayName',
  'sortName',
  'search',
  'discounts',
  'consent',
  'visits',
  'visitStatistics',
  'registeredAt',
  'archivedNumber',
] as const;

const KNOWN_TYPES = new Set<string>(CLIENT_EVENT_TYPES_V1);

/**
 * The client card (`client_profiles`), one document per client, the only writer of it. It shows
 * data of three contexts, so it reads their three topics:
 *  - `clients.client-events.v1`: the profile. Personal fields are decrypted here with the
 *    client's data key; a client erased before this runs (a rebuild) reads as `piiErased` and
 *    leaves nothing personal;
 *  - `consent.consent-state.v1`: the consent summary (compacted; a tombstone once the client is
 *    deleted or erased);
 *  - `visits.visit-events.v1`: what the card keeps of each visit (`visits`, nothing personal),
 *    from which `visitStatistics` is computed.
 * The runner keeps a revision per stream (`revision` of the client stream, the view's ETag;
 * `consentRevision`; `visitRevisions.<visitId>`), so redelivered and replayed messages change
 * nothing, and a rebuild is the rebuild of this projection alone. Whichever context's message
 * comes first, the document ends the same: a card made by a consent state or a visit has
 * revision -1 and no status (no query shows it) until the registration fills it. Deletion
 * leaves a tombstone rather than removing the document, so the revisions stay and a redelivered
 * older event cannot bring the client back.
 */
export function createClientProfilesProjection(cipher: PersonalDataCipher): ClientProfilesProjection {
  const logger = new Logger(`Projection:${CLIENT_PROFILES_PROJECTION}`);
  let ignoredCount = 0;
  const canHandle = (message: IncomingMessage) => {
    const handled = sourceOf(message) !== undefined;
    if (!handled && message.topic === TOPICS.clientEvents.name) {
      ignoredCount += 1;
      // Newer producers may publish types this version does not know; they must not stop it.
      logger.log(`skipped a message of a type it does not handle: ${message.data === null ? `${message.eventType} (tombstone)` : message.eventType}`);
    }
    return handled;
  };
  return {
    name: CLIENT_PROFILES_PROJECTION,
    topics: [TOPICS.clientEvents.name, TOPICS.consentState.name, TOPICS.visitEvents.name],
    collections: [CLIENT_PROFILES_COLLECTION],
    canHandle,
    documentId: (message) => (sourceOf(message) === 'visits' ? (message.data as VisitEventV1).clientId : message.key),
    revisionPath: (message) => {
      const source = sourceOf(message);
      if (source === 'consent') return ['consentRevision'];
      if (source === 'visits') return ['visitRevisions', (message.data as VisitEventV1).visitId];
      return ['revision'];
    },
    // Decryption is one key lookup per message: done concurrently, folded in message order.
    decode: (messages) =>
      Promise.all(
        messages.map(async (message) =>
          sourceOf(message) === 'profile' ? { ...message, data: await cipher.decrypt(message.tenantId, message.data as Record<string, unknown>, { expectedSubjectId: message.key }) } : message,
        ),
      ),
    evolve: evolveClientProfile,
    ignoredCount: () => ignoredCount,
  };
}

type Source = 'profile' | 'consent' | 'visits';

function sourceOf(message: IncomingMessage): Source | undefined {
  const data = message.data as Record<string, unknown> | null;
  switch (message.topic) {
    case TOPICS.clientEvents.name:
      return KNOWN_TYPES.has(message.eventType) && typeof data === 'object' && data !== null ? 'profile' : undefined;
    case TOPICS.consentState.name:
      return 'consent';
    case TOPICS.visitEvents.name: {
      const event = data as Partial<VisitEventV1> | null;
      const usable = event !== null && typeof event.visitId === 'string' && typeof event.clientId === 'string' && typeof event.visit === 'object' && event.visit !== null;
      return usable ? 'visits' : undefined;
    }
    default:
      return undefined;
  }
}

/** The card after one message (personal data already decrypted). Pure. */
export function evolveClientProfile(document: ClientProfileDocument | null, message: IncomingMessage): Evolved<ClientProfileDocument> {
  switch (sourceOf(message)) {
    case 'consent': {
      const state = message.data as ConsentStateV1 | null;
      return { ...cardOf(document, message), consent: state ? summaryOf(state) : null };
    }
    case 'visits':
      return visitNoted(cardOf(document, message), message.data as VisitEventV1);
    default: {
      const change = changeFor(message.eventType as ClientEventTypeV1, message.data as DecryptedPayload);
      return applyChange(document, { ...change, set: { ...change.set, tenantId: message.tenantId } }, message.key);
    }
  }
}

/**
 * The document, or the card a consent state or a visit starts before the registration is
 * projected: revision -1 (the registration, revision 0, still applies) and the empty parts the
 * registration would have started with.
 */
function cardOf(document: ClientProfileDocument | null, message: IncomingMessage): ClientProfileDocument {
  return document ?? ({ _id: message.key, tenantId: message.tenantId, revision: -1, consent: null, visitStatistics: EMPTY_CARD_VISIT_TOTALS } as ClientProfileDocument);
}

/** The visit as the card keeps it, and the statistics from all of them. A deleted client's tombstone takes none. */
function visitNoted(card: ClientProfileDocument, event: VisitEventV1): ClientProfileDocument {
  if (card.status === 'deleted') return card;
  const visits = { ...card.visits, [event.visitId]: toLedgeredVisit(event.visit) };
  return { ...card, visits, visitStatistics: computeCardVisitTotals(Object.values(visits)) };
}

function applyChange(document: ClientProfileDocument | null, change: Change, id: string): Evolved<ClientProfileDocument> {
  const next: Record<string, unknown> = { ...change.defaults, ...document, _id: id, ...change.set };
  for (const field of change.unset ?? []) delete next[field];
  return next as Evolved<ClientProfileDocument>;
}

function changeFor(type: ClientEventTypeV1, data: DecryptedPayload): Change {
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
      return { set: { updatedAt: dateOf(data['removedAt']) }, unset: ['photoRef'] };
    case 'ClientVisitNoted':
      // Changes nothing shown, but advances the revision: the view's ETag must follow the
      // stream, or a save made from the view would be refused as stale forever.
      return { set: {} };
    case 'ClientDeleted':
      return deleted(data);
    case 'ClientErased':
      return erased(data);
    // The case reference stays in the event store (encrypted); the card shows only that a hold is on.
    case 'ClientLegalHoldPlaced':
      return { set: { legalHold: true, updatedAt: dateOf(data['placedAt']) } };
    case 'ClientLegalHoldLifted':
      return { set: { legalHold: false, updatedAt: dateOf(data['liftedAt']) } };
  }
}

function registered(data: DecryptedPayload): Change {
  const registeredAt = dateOf(data['registeredAt']);
  const profile = profileReplaced(data, registeredAt);
  return {
    ...profile,
    set: { ...profile.set, status: 'active', registeredAt, discounts: { products: 0, services: 0 } },
    // Filled from the consent and visits topics, whose messages may come before this one: kept if present.
    defaults: { consent: null, visitStatistics: EMPTY_CARD_VISIT_TOTALS },
  };
}

/**
 * The whole profile as the event states it: a field absent from the event was cleared, so it is
 * unset here. After an erasure the personal fields read as absent, which writes none of them.
 */
function profileReplaced(data: DecryptedPayload, at: Date): Change {
  const present = PROFILE_FIELDS.filter((field) => data[field] !== undefined && data[field] !== null);
  const absent = PROFILE_FIELDS.filter((field) => !present.includes(field));
  const names = { firstName: text(data['firstName']), lastName: text(data['lastName']), patronymic: text(data['patronymic']) };
  const displayName = displayNameOf(names);
  return {
    set: {
      ...Object.fromEntries(present.map((field) => [field, data[field]])),
      displayName,
      sortName: searchableText(displayName),
      search: searchKeysOf(names, text(data['phone']), text(data['secondPhone']), text(data['email'])),
      updatedAt: at,
    },
    unset: absent,
  };
}

/**
 * The name in the orders people type it: "first last patronymic", "last first patronymic" and
 * the display order "first patronymic last", and the name keys the search looks up. No names, no
 * keys: a nameless client is not found by typing "Client".
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
    nameKeys: nameSearchKeys([firstName, lastName, patronymic]),
    phones: [...new Set(phones)],
    ...(email ? { email: email.toLowerCase() } : {}),
  };
}

function discountsSet(data: DecryptedPayload): Change {
  return {
    set: {
      discounts: { products: percentOf(data['productDiscountPercent']), services: percentOf(data['serviceDiscountPercent']) },
      updatedAt: dateOf(data['setAt']),
    },
  };
}

function photoSet(data: DecryptedPayload): Change {
  const updatedAt = dateOf(data['setAt']);
  const photoRef = text(data['photoRef']);
  // Erased before a replay reached this event: the reference is personal data and stays unknown.
  if (photoRef === undefined) return { set: { updatedAt }, unset: ['photoRef'] };
  return { set: { photoRef, updatedAt } };
}

/** A tombstone: status and dates only, so the revision guard keeps older events from bringing it back. */
function deleted(data: DecryptedPayload): Change {
  const deletedAt = dateOf(data['deletedAt']);
  return { set: { status: 'deleted', deletedAt, updatedAt: deletedAt }, unset: FIELDS_REMOVED_ON_DELETION };
}

/** GDPR erasure: nothing personal stays; visits (statistics) and discounts do, under an archive name. */
function erased(data: DecryptedPayload): Change {
  const erasedAt = dateOf(data['erasedAt']);
  const archivedNumber = Number(data['archivedNumber']);
  const displayName = archivedDisplayName(archivedNumber);
  return {
    set: {
      status: 'erased',
      archivedNumber,
      displayName,
      sortName: searchableText(displayName),
      // Consent is personal data too; the consent context tombstones its own copy.
      consent: null,
      erasedAt,
      updatedAt: erasedAt,
    },
    unset: [...PERSONAL_DOCUMENT_FIELDS, ...PHONE_FACT_FIELDS, 'search'],
  };
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
