import {
  InitialConsentChoicesV1,
  MARKETING_DOCUMENT_REF_PATTERN_V1,
  MARKETING_DOCUMENT_REF_RULE_V1,
  MAX_CONSENT_TEXT_VERSION_LENGTH_V1,
  MAX_MARKETING_DOCUMENT_REF_LENGTH_V1,
  MarketingPermissionV1,
  RegistrationMarketingConsentV1,
  readInitialConsentChoicesV1,
} from '@salon/contracts';
import { Command, Decider, DomainError, Event, assertNever } from '@salon/shared/ddd';
import { CLIENT_PROFILE_FIELDS, ClientProfile, ClientProfileForm, parseClientProfile, sameProfile } from './client-profile';
import { CountryCode } from './phone';

// ---------------------------------------------------------------------------------------------
// Streams

const CLIENT_STREAM_PREFIX = 'client-';

/** One stream per client; its id is also the subject whose key encrypts the client's personal data. */
export function toClientStreamName(clientId: string): string {
  return `${CLIENT_STREAM_PREFIX}${clientId}`;
}

/** The client a client stream belongs to (the subject of its personal data). */
export function clientIdOfStream(streamName: string): string {
  if (!streamName.startsWith(CLIENT_STREAM_PREFIX) || streamName.length === CLIENT_STREAM_PREFIX.length) {
    throw new Error(`"${streamName}" is not a client stream`);
  }
  return streamName.slice(CLIENT_STREAM_PREFIX.length);
}

// ---------------------------------------------------------------------------------------------
// Commands

export type RegisterClient = Command<
  'RegisterClient',
  ClientProfileForm & {
    readonly clientId: string;
    /** The chain's country, for phone numbers typed without a country code. */
    readonly defaultCountry: CountryCode;
    /**
     * The consent boxes of the registration form (the contract's InitialConsentChoicesV1), passed
     * on to the consent context, which owns consent and its defaults.
     */
    readonly initialConsent?: InitialConsentChoicesV1;
    /**
     * Written marketing consent with its evidence, which only an import brings (the contract's
     * RegistrationMarketingConsentV1); passed on to the consent context like the boxes, after the
     * same checks the consent context makes of evidence, so a dry run can tell what it would refuse.
     */
    readonly marketingConsent?: RegistrationMarketingConsentV1;
    /**
     * Discounts the client has from the start (an import's columns): recorded with the
     * registration, in the same append, as the SetClientDiscounts that would follow it.
     */
    readonly discounts?: ClientDiscountsForm;
  }
>;

export interface ClientDiscountsForm {
  readonly productDiscountPercent: number;
  readonly serviceDiscountPercent: number;
}

/** One explicit save of the profile form: it replaces the whole editable profile. */
export type EditClientProfile = Command<
  'EditClientProfile',
  ClientProfileForm & { readonly clientId: string; readonly defaultCountry: CountryCode }
>;

/** Percent, 0–100 with at most two decimals. */
export type SetClientDiscounts = Command<
  'SetClientDiscounts',
  { clientId: string; productDiscountPercent: number; serviceDiscountPercent: number }
>;

/** Sent on behalf of the visits context for each visit of the client, in any status. */
export type NoteClientVisit = Command<'NoteClientVisit', { clientId: string; visitId: string }>;

/** Hard deletion, for a client created by mistake. Only a client without visits. */
export type DeleteClient = Command<'DeleteClient', { clientId: string }>;

/**
 * GDPR erasure: the client's personal data goes everywhere, visits and amounts stay for
 * statistics under "Archived client N". N is allocated per chain by the caller. `actorRole`: the
 * role that allowed it (owner or manager), for the erasure certificate; none for the retention job.
 */
export type EraseClient = Command<'EraseClient', { clientId: string; archivedNumber: number; actorRole?: string }>;

/** Sent on behalf of the media context once a photo is stored (it checks size and format). */
export type SetClientPhoto = Command<'SetClientPhoto', { clientId: string; photoRef: string }>;
export type RemoveClientPhoto = Command<'RemoveClientPhoto', { clientId: string }>;

/**
 * Why the chain must keep a client's data (GDPR Art. 17(3)(e): legal claims). A code, never free
 * text; `reference` (a case or file number) is stored encrypted as personal data, since a case
 * reference may name the person, and is shredded with the rest on a later erasure.
 */
export const LEGAL_HOLD_REASONS = ['litigation', 'legal-claim', 'regulator-inquiry', 'tax-audit', 'law-enforcement-request'] as const;
export type LegalHoldReason = (typeof LEGAL_HOLD_REASONS)[number];
export const MAX_LEGAL_HOLD_REFERENCE_LENGTH = 64;

/** Stops every retention category for the client and refuses erasure and deletion until lifted. */
export type PlaceLegalHold = Command<'PlaceLegalHold', { clientId: string; reason: LegalHoldReason; reference?: string }>;
export type LiftLegalHold = Command<'LiftLegalHold', { clientId: string }>;
/** The retention policy's comment category: the comment goes, the rest of the profile stays. */
export type DropClientComment = Command<'DropClientComment', { clientId: string }>;

export type ClientCommand =
  | RegisterClient
  | EditClientProfile
  | SetClientDiscounts
  | NoteClientVisit
  | DeleteClient
  | EraseClient
  | SetClientPhoto
  | RemoveClientPhoto
  | PlaceLegalHold
  | LiftLegalHold
  | DropClientComment;

// ---------------------------------------------------------------------------------------------
// Events (timestamps are ISO-8601 strings: events are JSON)

export type ClientRegistered = Event<
  'ClientRegistered',
  ClientProfile & {
    clientId: string;
    initialConsent: InitialConsentChoicesV1;
    /** Absent unless an imported row brought written marketing consent. Holds no personal data (references and staff ids). */
    marketingConsent?: RegistrationMarketingConsentV1;
    registeredAt: string;
  }
>;
/** Carries the whole profile after the save; a field absent here was cleared. */
export type ClientProfileEdited = Event<'ClientProfileEdited', ClientProfile & { clientId: string; editedAt: string }>;
export type ClientDiscountsSet = Event<
  'ClientDiscountsSet',
  { clientId: string; productDiscountPercent: number; serviceDiscountPercent: number; setAt: string }
>;
export type ClientVisitNoted = Event<
  'ClientVisitNoted',
  { clientId: string; visitId: string; visitCount: number; notedAt: string }
>;
export type ClientDeleted = Event<'ClientDeleted', { clientId: string; deletedAt: string }>;
/**
 * Holds nothing personal on purpose: it is recorded just before the client's data key is
 * destroyed, and is read in clear ever after.
 */
export type ClientErased = Event<
  'ClientErased',
  // actorRole: see EraseClient; absent on erasures recorded before it was (their certificate says role null).
  { clientId: string; archivedNumber: number; visitCount: number; erasedAt: string; actorRole?: string }
>;
export type ClientPhotoSet = Event<'ClientPhotoSet', { clientId: string; photoRef: string; setAt: string }>;
export type ClientPhotoRemoved = Event<'ClientPhotoRemoved', { clientId: string; removedAt: string }>;
/** `reference` is personal (encrypted); the reason code is not. Placing it again with another reason replaces it. */
export type ClientLegalHoldPlaced = Event<
  'ClientLegalHoldPlaced',
  { clientId: string; reason: LegalHoldReason; reference?: string; placedAt: string }
>;
export type ClientLegalHoldLifted = Event<'ClientLegalHoldLifted', { clientId: string; liftedAt: string }>;

export type ClientEvent =
  | ClientRegistered
  | ClientProfileEdited
  | ClientDiscountsSet
  | ClientVisitNoted
  | ClientDeleted
  | ClientErased
  | ClientPhotoSet
  | ClientPhotoRemoved
  | ClientLegalHoldPlaced
  | ClientLegalHoldLifted;

// ---------------------------------------------------------------------------------------------
// State

export interface ClientDiscounts {
  readonly productDiscountPercent: number;
  readonly serviceDiscountPercent: number;
}

export type ActiveClient = {
  readonly status: 'active';
  readonly clientId: string;
  readonly profile: ClientProfile;
  readonly discounts: ClientDiscounts;
  /** Every visit the visits context told of, in any status; a visit told twice counts once. */
  readonly visitIds: readonly string[];
  readonly photoRef?: string;
  readonly legalHold?: { readonly reason: LegalHoldReason; readonly reference?: string };
};

export type ClientState =
  | { readonly status: 'unregistered' }
  | ActiveClient
  | { readonly status: 'deleted'; readonly clientId: string }
  | { readonly status: 'erased'; readonly clientId: string; readonly archivedNumber: number; readonly visitCount: number };

const NO_DISCOUNTS: ClientDiscounts = { productDiscountPercent: 0, serviceDiscountPercent: 0 };

export const MAX_PHOTO_REF_LENGTH = 1024;

// ---------------------------------------------------------------------------------------------
// Decisions

function register({ data, metadata }: RegisterClient, state: ClientState): ClientEvent[] {
  if (state.status !== 'unregistered') {
    refuseWhenGone(state);
    throw DomainError.conflict('client-already-registered', 'A client with this id is already registered', {
      clientId: data.clientId,
    });
  }
  requireText(data.clientId, 'clientId', 'invalid-client-id');
  const profile = parseClientProfile(data, { defaultCountry: data.defaultCountry, now: metadata.now });
  const initialConsent = parseInitialConsent(data.initialConsent, profile);
  const marketingConsent = parseMarketingConsent(data.marketingConsent, profile, metadata.now);
  const registered: ClientEvent = {
    type: 'ClientRegistered',
    data: {
      clientId: data.clientId,
      ...profile,
      initialConsent,
      ...(marketingConsent === undefined ? {} : { marketingConsent }),
      registeredAt: metadata.now.toISOString(),
    },
  };
  if (data.discounts === undefined) return [registered];
  const discounts = { type: 'SetClientDiscounts', data: { clientId: data.clientId, ...data.discounts }, metadata } as const;
  return [registered, ...setDiscounts(discounts, evolve({ status: 'unregistered' }, registered))];
}

function editProfile({ data, metadata }: EditClientProfile, state: ClientState): ClientEvent[] {
  const client = requireActive(state, data.clientId);
  const profile = parseClientProfile(data, { defaultCountry: data.defaultCountry, now: metadata.now });
  if (sameProfile(profile, client.profile)) return [];
  return [{ type: 'ClientProfileEdited', data: { clientId: client.clientId, ...profile, editedAt: metadata.now.toISOString() } }];
}

function setDiscounts({ data, metadata }: SetClientDiscounts, state: ClientState): ClientEvent[] {
  const client = requireActive(state, data.clientId);
  const productDiscountPercent = parseDiscount(data.productDiscountPercent, 'productDiscountPercent');
  const serviceDiscountPercent = parseDiscount(data.serviceDiscountPercent, 'serviceDiscountPercent');
  const { discounts } = client;
  const unchanged =
    discounts.productDiscountPercent === productDiscountPercent && discounts.serviceDiscountPercent === serviceDiscountPercent;
  if (unchanged) return [];
  return [
    {
      type: 'ClientDiscountsSet',
      data: { clientId: client.clientId, productDiscountPercent, serviceDiscountPercent, setAt: metadata.now.toISOString() },
    },
  ];
}

function noteVisit({ data, metadata }: NoteClientVisit, state: ClientState): ClientEvent[] {
  const client = requireActive(state, data.clientId);
  requireText(data.visitId, 'visitId', 'invalid-visit-id');
  // The visits context may tell of a visit more than once (a new status, a redelivered message).
  if (client.visitIds.includes(data.visitId)) return [];
  return [
    {
      type: 'ClientVisitNoted',
      data: {
        clientId: client.clientId,
        visitId: data.visitId,
        visitCount: client.visitIds.length + 1,
        notedAt: metadata.now.toISOString(),
      },
    },
  ];
}

function deleteClient({ data, metadata }: DeleteClient, state: ClientState): ClientEvent[] {
  const client = requireActive(state, data.clientId);
  refuseWhenHeld(client);
  const visitCount = client.visitIds.length;
  if (visitCount > 0) {
    throw DomainError.conflict(
      'client-has-visits',
      `The client has ${visitCount} visit${visitCount === 1 ? '' : 's'} and cannot be deleted. ` +
        'Only a client without any visit can be deleted; erase the client instead to remove their personal data ' +
        'and keep the visits for statistics.',
      { clientId: client.clientId, visitCount },
    );
  }
  return [{ type: 'ClientDeleted', data: { clientId: client.clientId, deletedAt: metadata.now.toISOString() } }];
}

function erase({ data, metadata }: EraseClient, state: ClientState): ClientEvent[] {
  // Erasure requests get repeated (a retried job, a second request by the person); once done, done.
  if (state.status === 'erased') return [];
  const client = requireActive(state, data.clientId);
  refuseWhenHeld(client);
  if (!Number.isSafeInteger(data.archivedNumber) || data.archivedNumber < 1) {
    throw DomainError.invalid('invalid-archived-number', 'The archived client number is a whole number from 1', {
      field: 'archivedNumber',
    });
  }
  return [
    {
      type: 'ClientErased',
      data: {
        clientId: client.clientId,
        archivedNumber: data.archivedNumber,
        visitCount: client.visitIds.length,
        erasedAt: metadata.now.toISOString(),
        ...(data.actorRole === undefined ? {} : { actorRole: data.actorRole }),
      },
    },
  ];
}

function setPhoto({ data, metadata }: SetClientPhoto, state: ClientState): ClientEvent[] {
  const client = requireActive(state, data.clientId);
  requireText(data.photoRef, 'photoRef', 'invalid-photo-reference');
  if (data.photoRef.length > MAX_PHOTO_REF_LENGTH) {
    throw DomainError.invalid('invalid-photo-reference', 'The photo reference is too long', { field: 'photoRef' });
  }
  if (client.photoRef === data.photoRef) return [];
  return [
    { type: 'ClientPhotoSet', data: { clientId: client.clientId, photoRef: data.photoRef, setAt: metadata.now.toISOString() } },
  ];
}

function removePhoto({ data, metadata }: RemoveClientPhoto, state: ClientState): ClientEvent[] {
  const client = requireActive(state, data.clientId);
  if (client.photoRef === undefined) return [];
  return [{ type: 'ClientPhotoRemoved', data: { clientId: client.clientId, removedAt: metadata.now.toISOString() } }];
}

function placeLegalHold({ data, metadata }: PlaceLegalHold, state: ClientState): ClientEvent[] {
  const client = requireActive(state, data.clientId);
  if (!LEGAL_HOLD_REASONS.includes(data.reason)) {
    throw DomainError.invalid('invalid-legal-hold-reason', `The reason is one of ${LEGAL_HOLD_REASONS.join(', ')}`, { field: 'reason' });
  }
  const reference = data.reference === undefined || data.reference.trim() === '' ? undefined : data.reference.trim();
  if (reference !== undefined && reference.length > MAX_LEGAL_HOLD_REFERENCE_LENGTH) {
    throw DomainError.invalid('invalid-legal-hold-reference', `A reference has at most ${MAX_LEGAL_HOLD_REFERENCE_LENGTH} characters`, {
      field: 'reference',
    });
  }
  if (client.legalHold?.reason === data.reason && client.legalHold.reference === reference) return [];
  return [
    {
      type: 'ClientLegalHoldPlaced',
      data: { clientId: client.clientId, reason: data.reason, ...(reference === undefined ? {} : { reference }), placedAt: metadata.now.toISOString() },
    },
  ];
}

function liftLegalHold({ data, metadata }: LiftLegalHold, state: ClientState): ClientEvent[] {
  const client = requireActive(state, data.clientId);
  if (client.legalHold === undefined) return [];
  return [{ type: 'ClientLegalHoldLifted', data: { clientId: client.clientId, liftedAt: metadata.now.toISOString() } }];
}

function dropComment({ data, metadata }: DropClientComment, state: ClientState): ClientEvent[] {
  const client = requireActive(state, data.clientId);
  // The job decided on a read model; the hold may have come since. It wins.
  refuseWhenHeld(client);
  if (client.profile.comment === undefined) return [];
  const { comment: _dropped, ...profile } = client.profile;
  // The same event as a save of the form without the comment: every reader of profiles already
  // handles it; who dropped it (the retention job) is in the event's metadata.
  return [{ type: 'ClientProfileEdited', data: { clientId: client.clientId, ...profile, editedAt: metadata.now.toISOString() } }];
}

/** Art. 17(3)(e): data kept for legal claims is not erased, by a request or by retention, until the hold is lifted. */
function refuseWhenHeld(client: ActiveClient): void {
  if (client.legalHold !== undefined) {
    throw DomainError.conflict(
      'client-on-legal-hold',
      'The client is on legal hold: their data must be kept for a legal claim. Lift the hold first.',
      { clientId: client.clientId, legalHoldReason: client.legalHold.reason },
    );
  }
}

/** Refused before an erasure takes an archive number, so a held client leaves no gap in the numbering. */
export function assertNotOnLegalHold(state: ClientState): void {
  if (state.status === 'active') refuseWhenHeld(state);
}

/** Refuses every command to a client that is not (or no longer) there. */
function requireActive(state: ClientState, clientId: string): ActiveClient {
  if (state.status === 'unregistered') {
    throw DomainError.notFound('client-not-found', 'There is no such client', { clientId });
  }
  refuseWhenGone(state);
  return state;
}

function refuseWhenGone(state: Exclude<ClientState, { status: 'unregistered' }>): asserts state is ActiveClient {
  if (state.status === 'deleted') {
    throw DomainError.conflict('client-deleted', 'The client was deleted', { clientId: state.clientId });
  }
  if (state.status === 'erased') {
    throw DomainError.conflict(
      'client-erased',
      `The client was erased; their personal data is gone and they appear as Archived client ${state.archivedNumber}`,
      { clientId: state.clientId, archivedNumber: state.archivedNumber },
    );
  }
}

function requireText(value: unknown, field: string, code: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw DomainError.invalid(code, `"${field}" is required`, { field });
  }
}

function parseInitialConsent(value: InitialConsentChoicesV1 | undefined, profile: ClientProfile): InitialConsentChoicesV1 {
  const reading = readInitialConsentChoicesV1(value);
  if (!reading.ok) throw DomainError.invalid('invalid-consent-choice', reading.reason, { field: reading.field });
  const { choices } = reading;
  // The consent context enforces this rule on every later change; refusing it here as well keeps a
  // contradictory form out of the event store and tells the front desk why.
  if (choices.remindersBySms === true && !profile.smsCapable) {
    throw DomainError.invalid('sms-to-landline', 'SMS reminders cannot be sent to a landline number', {
      field: 'initialConsent.remindersBySms',
    });
  }
  return choices;
}

const MARKETING_PERMISSIONS: readonly MarketingPermissionV1[] = ['newsletter', 'marketingSms'];

/**
 * The consent context's rules for written marketing consent (parseEvidence there), checked before
 * the registration is recorded: the consent context would refuse the whole registration message
 * otherwise, and the client would stay without a consent record. The document reference is kept
 * in clear (it is the proof, and outlives an erasure), hence its rule: an id, nothing of the person.
 */
function parseMarketingConsent(
  value: RegistrationMarketingConsentV1 | undefined,
  profile: ClientProfile,
  now: Date,
): RegistrationMarketingConsentV1 | undefined {
  if (value === undefined) return undefined;
  const refuse = (field: string, reason: string) =>
    DomainError.invalid('invalid-marketing-consent', reason, { field: field === '' ? 'marketingConsent' : `marketingConsent.${field}` });
  if (value.source !== 'import') throw refuse('source', 'Written marketing consent comes with a registration only from an import');
  const permissions = MARKETING_PERMISSIONS.filter((permission) => value.permissions.includes(permission));
  if (permissions.length === 0 || permissions.length !== value.permissions.length) {
    throw refuse('permissions', `Written marketing consent names ${MARKETING_PERMISSIONS.join(' and/or ')}`);
  }
  if (permissions.includes('marketingSms') && !profile.smsCapable) {
    throw refuse('marketingSms', 'Marketing SMS cannot be sent to a landline number');
  }
  const documentRef = value.documentRef?.trim() || undefined;
  if (documentRef !== undefined) {
    if (documentRef.length > MAX_MARKETING_DOCUMENT_REF_LENGTH_V1) {
      throw refuse('documentRef', `A consent document reference is at most ${MAX_MARKETING_DOCUMENT_REF_LENGTH_V1} characters`);
    }
    if (!MARKETING_DOCUMENT_REF_PATTERN_V1.test(documentRef)) throw refuse('documentRef', `A consent document reference ${MARKETING_DOCUMENT_REF_RULE_V1}`);
  }
  const consentTextVersion = value.consentTextVersion?.trim() || undefined;
  if (consentTextVersion !== undefined && consentTextVersion.length > MAX_CONSENT_TEXT_VERSION_LENGTH_V1) {
    throw refuse('consentTextVersion', `A consent text version is at most ${MAX_CONSENT_TEXT_VERSION_LENGTH_V1} characters`);
  }
  if (documentRef === undefined && consentTextVersion === undefined) {
    throw refuse('', 'Marketing consent needs the written consent on record: a document reference or the version of the consent text');
  }
  const signedAt = new Date(value.signedAt);
  if (Number.isNaN(signedAt.getTime()) || signedAt.getTime() > now.getTime()) {
    throw refuse('signedAt', 'The consent is recorded as signed at a moment that is not past');
  }
  if (typeof value.collectedBy !== 'string' || value.collectedBy.trim() === '') {
    throw refuse('collectedBy', 'Written marketing consent names the staff member who collected it');
  }
  if (typeof value.salonId !== 'string' || value.salonId.trim() === '') {
    throw refuse('salonId', 'Written marketing consent names the salon where it was signed: upload the file with X-Salon-Id');
  }
  return {
    source: 'import',
    permissions,
    ...(documentRef === undefined ? {} : { documentRef }),
    ...(consentTextVersion === undefined ? {} : { consentTextVersion }),
    signedAt: signedAt.toISOString(),
    collectedBy: value.collectedBy,
    salonId: value.salonId,
  };
}

function parseDiscount(value: unknown, field: 'productDiscountPercent' | 'serviceDiscountPercent'): number {
  const refuse = (reason: string) => DomainError.invalid('invalid-discount', reason, { field });
  if (typeof value !== 'number' || !Number.isFinite(value)) throw refuse('A discount is a number of percent');
  if (value < 0 || value > 100) throw refuse(`A discount is between 0 and 100 %, not ${value} %`);
  const hundredths = Math.round(value * 100);
  // Tolerates binary floating-point noise (0.29 * 100 = 28.999999999999996), not a third decimal.
  if (Math.abs(value * 100 - hundredths) > 1e-6) throw refuse('A discount has at most two decimals');
  return hundredths / 100;
}

// ---------------------------------------------------------------------------------------------
// Evolution

function profileOf(data: ClientProfile): ClientProfile {
  // Picks the profile out of an event; after erasure the personal fields read as absent.
  return Object.fromEntries(
    CLIENT_PROFILE_FIELDS.filter((field) => data[field] !== undefined).map((field) => [field, data[field]]),
  ) as unknown as ClientProfile;
}

function evolve(state: ClientState, event: ClientEvent): ClientState {
  switch (event.type) {
    case 'ClientRegistered':
      return {
        status: 'active',
        clientId: event.data.clientId,
        profile: profileOf(event.data),
        discounts: NO_DISCOUNTS,
        visitIds: [],
      };
    case 'ClientDeleted':
      return { status: 'deleted', clientId: event.data.clientId };
    case 'ClientErased':
      return {
        status: 'erased',
        clientId: event.data.clientId,
        archivedNumber: event.data.archivedNumber,
        visitCount: event.data.visitCount,
      };
  }
  if (state.status !== 'active') return state;
  switch (event.type) {
    case 'ClientProfileEdited':
      return { ...state, profile: profileOf(event.data) };
    case 'ClientDiscountsSet':
      return {
        ...state,
        discounts: {
          productDiscountPercent: event.data.productDiscountPercent,
          serviceDiscountPercent: event.data.serviceDiscountPercent,
        },
      };
    case 'ClientVisitNoted':
      return { ...state, visitIds: [...state.visitIds, event.data.visitId] };
    case 'ClientPhotoSet':
      return { ...state, photoRef: event.data.photoRef };
    case 'ClientPhotoRemoved': {
      const { photoRef: _removed, ...withoutPhoto } = state;
      return withoutPhoto;
    }
    case 'ClientLegalHoldPlaced': {
      const { reason, reference } = event.data;
      return { ...state, legalHold: reference === undefined ? { reason } : { reason, reference } };
    }
    case 'ClientLegalHoldLifted': {
      const { legalHold: _lifted, ...withoutHold } = state;
      return withoutHold;
    }
    default:
      return assertNever(event);
  }
}

function decide(command: ClientCommand, state: ClientState): ClientEvent[] {
  switch (command.type) {
    case 'RegisterClient':
      return register(command, state);
    case 'EditClientProfile':
      return editProfile(command, state);
    case 'SetClientDiscounts':
      return setDiscounts(command, state);
    case 'NoteClientVisit':
      return noteVisit(command, state);
    case 'DeleteClient':
      return deleteClient(command, state);
    case 'EraseClient':
      return erase(command, state);
    case 'SetClientPhoto':
      return setPhoto(command, state);
    case 'RemoveClientPhoto':
      return removePhoto(command, state);
    case 'PlaceLegalHold':
      return placeLegalHold(command, state);
    case 'LiftLegalHold':
      return liftLegalHold(command, state);
    case 'DropClientComment':
      return dropComment(command, state);
    default:
      return assertNever(command);
  }
}

/** The client profile as a pure decider. */
export const clientDecider: Decider<ClientState, ClientCommand, ClientEvent> = {
  initialState: () => ({ status: 'unregistered' }),
  evolve,
  decide,
};

/**
 * Every phone number the client had while active, oldest first: the reservations they may still
 * hold. Each change of number reserves the new one before, and releases the old one after, the
 * client's own append, so a crash can leave any of them held.
 */
export function phonesOfHistory(history: readonly ClientEvent[]): string[] {
  const phones = new Set<string>();
  let state = clientDecider.initialState();
  for (const event of history) {
    state = evolve(state, event);
    // After erasure the personal fields read as absent: no number to name any more.
    if (state.status === 'active' && typeof state.profile.phone === 'string') phones.add(state.profile.phone);
  }
  return [...phones];
}

/** The number whose reservation the client needs now: none once deleted or erased. */
export function phoneInUse(state: ClientState): string | undefined {
  return state.status === 'active' ? state.profile.phone : undefined;
}
