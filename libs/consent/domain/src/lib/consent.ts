import { InitialConsentChoicesV1, readInitialConsentChoicesV1 } from '@salon/contracts';
import { CommandMetadata, Decider, DomainError, assertNever } from '@salon/shared/ddd';
import {
  ApplyRegistrationChoices,
  CONSENT_CLOSE_REASONS,
  CloseConsent,
  ConsentCloseReason,
  ConsentCommand,
  GrantConsent,
  GrantMarketingConsent,
  NotePhoneLineChange,
  WithdrawAllMarketing,
  WithdrawConsent,
} from './consent-commands';
import { ChoiceNotApplied, ConsentChangeOrigin, ConsentEvent } from './consent-events';
import { MarketingConsentEvidence, parseEvidence, sameEvidence } from './marketing-consent-evidence';
import {
  ConsentPermission,
  ConsentPermissions,
  ConsentSource,
  MARKETING_PERMISSIONS,
  MarketingPermission,
  NO_PERMISSIONS,
  SMS_PERMISSIONS,
  isMarketingPermission,
  isSmsPermission,
  parseConsentPermission,
  parseConsentSource,
} from './consent-permissions';

// ---------------------------------------------------------------------------------------------
// Streams

const CONSENT_STREAM_PREFIX = 'consent-';

/** One consent stream per client: it is the client's whole consent history, the ledger itself. */
export function toConsentStreamName(clientId: string): string {
  return `${CONSENT_STREAM_PREFIX}${clientId}`;
}

/** The client a consent stream belongs to. */
export function clientIdOfConsentStream(streamName: string): string {
  if (!streamName.startsWith(CONSENT_STREAM_PREFIX) || streamName.length === CONSENT_STREAM_PREFIX.length) {
    throw new Error(`"${streamName}" is not a consent stream`);
  }
  return streamName.slice(CONSENT_STREAM_PREFIX.length);
}

// ---------------------------------------------------------------------------------------------
// State

export type OpenConsent = {
  readonly status: 'open';
  readonly clientId: string;
  readonly smsCapable: boolean;
  readonly permissions: ConsentPermissions;
  /** The written consent behind each marketing permission that is ON (absent while it is OFF). */
  readonly marketingEvidence: { readonly [Permission in MarketingPermission]?: MarketingConsentEvidence };
  /** How many events the stream holds (its revision + 1): the order of published states. */
  readonly version: number;
  /** When the last event was recorded. */
  readonly updatedAt: string;
};

export type ClosedConsent = {
  readonly status: 'closed';
  readonly clientId: string;
  readonly reason: ConsentCloseReason;
  readonly version: number;
  readonly updatedAt: string;
};

export type ConsentState = { readonly status: 'none' } | OpenConsent | ClosedConsent;

// ---------------------------------------------------------------------------------------------
// Decisions

function applyRegistrationChoices(
  { data, metadata }: ApplyRegistrationChoices,
  state: ConsentState,
): ConsentEvent[] {
  requireClientId(data.clientId);
  const smsCapable = requireBoolean(data.smsCapable, 'smsCapable');
  const hasEmail = requireBoolean(data.hasEmail, 'hasEmail');
  const choices = parseInitialConsent(data.initialConsent);
  const origin = originOf(metadata, data.source === undefined ? 'front-desk' : parseConsentSource(data.source));
  // The registration is consumed from Kafka, at least once: a redelivery finds the record open.
  if (state.status === 'open') return [];
  if (state.status === 'closed') throw clientClosed(state);

  const notApplied: ChoiceNotApplied[] = [];
  let remindersBySms = choices.remindersBySms ?? smsCapable;
  if (remindersBySms && !smsCapable) {
    // The clients context refuses this form already; should one slip through, the record still
    // opens (a refusal here would leave the client with no record at all) and says what was not taken.
    remindersBySms = false;
    notApplied.push({ permission: 'remindersBySms', reason: 'sms-to-landline' });
  }
  const permissions: ConsentPermissions = {
    notifications: choices.notifications ?? true,
    remindersBySms,
    // An explicit box wins: a client without e-mail yet may ask for e-mail reminders.
    remindersByEmail: choices.remindersByEmail ?? hasEmail,
    // Written consent is needed, and the form cannot carry its evidence.
    newsletter: false,
    marketingSms: false,
  };
  const marketing = registrationMarketing(data.marketingConsent, smsCapable, data.clientId, metadata.now);
  notApplied.push(...marketing.notApplied);
  return [
    {
      type: 'RegistrationConsentApplied',
      data: {
        clientId: data.clientId,
        smsCapable,
        hasEmail,
        choices,
        permissions,
        notApplied,
        ...origin,
        appliedAt: metadata.now.toISOString(),
      },
    },
    ...marketing.granted,
  ];
}

/**
 * The written marketing consent a registration brought (an imported row): one MarketingConsentGranted
 * per permission, right after the record opens, with the evidence and the origin the import names
 * (its source, the staff member who imported, their salon). The evidence obeys the rules of any
 * other grant (parseEvidence): the clients context checked them before it recorded the
 * registration, so a refusal here is a message to look at (the dead letters), not a silent drop.
 * Marketing SMS to a landline is not applied, as SMS reminders are not.
 */
function registrationMarketing(
  value: ApplyRegistrationChoices['data']['marketingConsent'],
  smsCapable: boolean,
  clientId: string,
  now: Date,
): { granted: ConsentEvent[]; notApplied: ChoiceNotApplied[] } {
  if (value === undefined || value === null) return { granted: [], notApplied: [] };
  const source = parseConsentSource(value.source);
  const evidence = parseEvidence(
    { documentRef: value.documentRef, consentTextVersion: value.consentTextVersion, signedAt: value.signedAt, collectedBy: value.collectedBy, salonId: value.salonId },
    now,
  );
  const permissions = Array.isArray(value.permissions) ? value.permissions : [];
  const granted: ConsentEvent[] = [];
  const notApplied: ChoiceNotApplied[] = [];
  for (const permission of MARKETING_PERMISSIONS.filter((candidate) => permissions.includes(candidate))) {
    if (isSmsPermission(permission) && !smsCapable) {
      notApplied.push({ permission, reason: 'sms-to-landline' });
      continue;
    }
    granted.push({
      type: 'MarketingConsentGranted',
      data: { clientId, permission, evidence, source, actorId: evidence.collectedBy, salonId: evidence.salonId, grantedAt: now.toISOString() },
    });
  }
  return { granted, notApplied };
}

function grant({ data, metadata }: GrantConsent, state: ConsentState): ConsentEvent[] {
  requireClientId(data.clientId);
  const permission = parseConsentPermission(data.permission);
  const origin = originOf(metadata, parseConsentSource(data.source), { actorRequired: true });
  if (isMarketingPermission(permission)) {
    throw DomainError.invalid(
      'written-consent-required',
      `"${permission}" may be switched on only with the client's written consent: grant it with the evidence of that consent`,
      { field: 'evidence', permission },
    );
  }
  const consent = requireOpen(state, data.clientId);
  refuseSmsToLandline(consent, permission);
  if (consent.permissions[permission]) return [];
  return [
    {
      type: 'ConsentGranted',
      data: { clientId: consent.clientId, permission, ...origin, grantedAt: metadata.now.toISOString() },
    },
  ];
}

function grantMarketing({ data, metadata }: GrantMarketingConsent, state: ConsentState): ConsentEvent[] {
  requireClientId(data.clientId);
  const permission = parseConsentPermission(data.permission);
  if (!isMarketingPermission(permission)) {
    throw DomainError.invalid(
      'not-a-marketing-permission',
      `"${permission}" is not a marketing permission: expected one of ${MARKETING_PERMISSIONS.join(', ')}`,
      { field: 'permission' },
    );
  }
  const origin = originOf(metadata, parseConsentSource(data.source), { actorRequired: true });
  const evidence = parseEvidence(data.evidence, metadata.now);
  const consent = requireOpen(state, data.clientId);
  refuseSmsToLandline(consent, permission);
  const recorded = consent.marketingEvidence[permission];
  if (consent.permissions[permission] && recorded !== undefined && sameEvidence(recorded, evidence)) return [];
  return [
    {
      type: 'MarketingConsentGranted',
      data: { clientId: consent.clientId, permission, evidence, ...origin, grantedAt: metadata.now.toISOString() },
    },
  ];
}

function withdraw({ data, metadata }: WithdrawConsent, state: ConsentState): ConsentEvent[] {
  requireClientId(data.clientId);
  const permission = parseConsentPermission(data.permission);
  const origin = originOf(metadata, parseConsentSource(data.source), { actorRequired: true });
  const consent = requireOpen(state, data.clientId);
  if (!consent.permissions[permission]) return [];
  return [
    {
      type: 'ConsentWithdrawn',
      data: { clientId: consent.clientId, permission, ...origin, withdrawnAt: metadata.now.toISOString() },
    },
  ];
}

function withdrawAllMarketing({ data, metadata }: WithdrawAllMarketing, state: ConsentState): ConsentEvent[] {
  requireClientId(data.clientId);
  const origin = originOf(metadata, parseConsentSource(data.source), { actorRequired: true });
  const consent = requireOpen(state, data.clientId);
  const permissions = MARKETING_PERMISSIONS.filter((permission) => consent.permissions[permission]);
  if (permissions.length === 0) return [];
  return [
    {
      type: 'AllMarketingConsentWithdrawn',
      data: { clientId: consent.clientId, permissions, ...origin, withdrawnAt: metadata.now.toISOString() },
    },
  ];
}

function notePhoneLineChange({ data, metadata }: NotePhoneLineChange, state: ConsentState): ConsentEvent[] {
  requireClientId(data.clientId);
  const smsCapable = requireBoolean(data.smsCapable, 'smsCapable');
  const origin = originOf(metadata, data.source === undefined ? 'front-desk' : parseConsentSource(data.source));
  const consent = requireOpen(state, data.clientId);
  if (consent.smsCapable === smsCapable) return [];
  const at = metadata.now.toISOString();
  const events: ConsentEvent[] = [
    { type: 'SmsCapabilityChanged', data: { clientId: consent.clientId, smsCapable, ...origin, changedAt: at } },
  ];
  // Back on a mobile, SMS stays OFF: only the client can switch it on again.
  const switchedOff = smsCapable ? [] : SMS_PERMISSIONS.filter((permission) => consent.permissions[permission]);
  if (switchedOff.length > 0) {
    events.push({
      type: 'SmsConsentSwitchedOff',
      data: { clientId: consent.clientId, permissions: switchedOff, reason: 'sms-to-landline', ...origin, switchedOffAt: at },
    });
  }
  return events;
}

function close({ data, metadata }: CloseConsent, state: ConsentState): ConsentEvent[] {
  requireClientId(data.clientId);
  if (!(CONSENT_CLOSE_REASONS as readonly unknown[]).includes(data.reason)) {
    const reasons = CONSENT_CLOSE_REASONS.join(' or ');
    throw DomainError.invalid('invalid-close-reason', `A consent record closes because the client was ${reasons}`, {
      field: 'reason',
    });
  }
  const origin = originOf(metadata, data.source === undefined ? 'front-desk' : parseConsentSource(data.source));
  // Deletion and erasure get repeated (a retried job, a redelivered message); once closed, closed.
  if (state.status === 'closed') return [];
  // A client may go before its registration was applied here: the record closes all the same, so a
  // late registration cannot open it again.
  return [
    { type: 'ConsentClosed', data: { clientId: data.clientId, reason: data.reason, ...origin, closedAt: metadata.now.toISOString() } },
  ];
}

// ---------------------------------------------------------------------------------------------
// Rules shared by the decisions

function requireOpen(state: ConsentState, clientId: string): OpenConsent {
  if (state.status === 'none') {
    throw DomainError.notFound(
      'no-consent-record',
      'There is no consent record for this client yet: it opens when the registration reaches the consent context',
      { clientId },
    );
  }
  if (state.status === 'closed') throw clientClosed(state);
  return state;
}

function clientClosed(state: ClosedConsent): DomainError {
  return DomainError.conflict(
    'client-closed',
    `The client was ${state.reason}: their consent record is closed and every permission reads no`,
    { clientId: state.clientId, closedBecause: state.reason },
  );
}

function refuseSmsToLandline(consent: OpenConsent, permission: ConsentPermission): void {
  if (isSmsPermission(permission) && !consent.smsCapable) {
    throw DomainError.conflict('sms-to-landline', "The client's phone is a landline: it cannot receive SMS", {
      clientId: consent.clientId,
      permission,
    });
  }
}

type OriginOptions = { readonly actorRequired?: boolean };

function originOf(metadata: CommandMetadata, source: ConsentSource, options: OriginOptions = {}): ConsentChangeOrigin {
  const actorId = typeof metadata.actorId === 'string' && metadata.actorId.trim() !== '' ? metadata.actorId : null;
  if (actorId === null && options.actorRequired) {
    // The ledger must say who changed a consent; a change by nobody is not recorded.
    throw DomainError.invalid('actor-required', 'A consent change records who made it: the request names no actor', {
      field: 'actorId',
    });
  }
  const salonId = typeof metadata.salonId === 'string' && metadata.salonId.trim() !== '' ? metadata.salonId : null;
  return { source, actorId, salonId };
}

function requireClientId(clientId: unknown): asserts clientId is string {
  if (typeof clientId !== 'string' || clientId.trim() === '') {
    throw DomainError.invalid('invalid-client-id', '"clientId" is required', { field: 'clientId' });
  }
}

function requireBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw DomainError.invalid('invalid-field-type', `"${field}" is yes or no`, { field });
  return value;
}

/** The boxes of the form; anything else on it (a marketing box, say) is dropped: marketing needs written consent. */
function parseInitialConsent(value: InitialConsentChoicesV1 | null | undefined): InitialConsentChoicesV1 {
  const reading = readInitialConsentChoicesV1(value);
  if (!reading.ok) throw DomainError.invalid('invalid-consent-choice', reading.reason, { field: reading.field });
  return reading.choices;
}

// ---------------------------------------------------------------------------------------------
// Evolution

function switched(permissions: ConsentPermissions, which: readonly ConsentPermission[], on: boolean): ConsentPermissions {
  return { ...permissions, ...Object.fromEntries(which.map((permission) => [permission, on])) };
}

function withoutEvidence(consent: OpenConsent, permissions: readonly ConsentPermission[]): OpenConsent['marketingEvidence'] {
  return Object.fromEntries(
    Object.entries(consent.marketingEvidence).filter(([permission]) => !permissions.includes(permission as ConsentPermission)),
  );
}

function switchedOff(consent: OpenConsent, permissions: readonly ConsentPermission[], version: number, at: string): OpenConsent {
  return {
    ...consent,
    permissions: switched(consent.permissions, permissions, false),
    marketingEvidence: withoutEvidence(consent, permissions),
    version,
    updatedAt: at,
  };
}

function evolve(state: ConsentState, event: ConsentEvent): ConsentState {
  const version = (state.status === 'none' ? 0 : state.version) + 1;
  switch (event.type) {
    case 'RegistrationConsentApplied':
      return {
        status: 'open',
        clientId: event.data.clientId,
        smsCapable: event.data.smsCapable,
        permissions: { ...NO_PERMISSIONS, ...event.data.permissions },
        marketingEvidence: {},
        version,
        updatedAt: event.data.appliedAt,
      };
    case 'ConsentClosed':
      return { status: 'closed', clientId: event.data.clientId, reason: event.data.reason, version, updatedAt: event.data.closedAt };
  }
  if (state.status !== 'open') return state;
  switch (event.type) {
    case 'ConsentGranted':
      return {
        ...state,
        permissions: switched(state.permissions, [event.data.permission], true),
        version,
        updatedAt: event.data.grantedAt,
      };
    case 'MarketingConsentGranted':
      return {
        ...state,
        permissions: switched(state.permissions, [event.data.permission], true),
        marketingEvidence: { ...state.marketingEvidence, [event.data.permission]: event.data.evidence },
        version,
        updatedAt: event.data.grantedAt,
      };
    case 'ConsentWithdrawn':
      return switchedOff(state, [event.data.permission], version, event.data.withdrawnAt);
    case 'AllMarketingConsentWithdrawn':
      return switchedOff(state, event.data.permissions, version, event.data.withdrawnAt);
    case 'SmsCapabilityChanged':
      return { ...state, smsCapable: event.data.smsCapable, version, updatedAt: event.data.changedAt };
    case 'SmsConsentSwitchedOff':
      return switchedOff(state, event.data.permissions, version, event.data.switchedOffAt);
    default:
      return assertNever(event);
  }
}

function decide(command: ConsentCommand, state: ConsentState): ConsentEvent[] {
  switch (command.type) {
    case 'ApplyRegistrationChoices':
      return applyRegistrationChoices(command, state);
    case 'GrantConsent':
      return grant(command, state);
    case 'WithdrawConsent':
      return withdraw(command, state);
    case 'GrantMarketingConsent':
      return grantMarketing(command, state);
    case 'WithdrawAllMarketing':
      return withdrawAllMarketing(command, state);
    case 'NotePhoneLineChange':
      return notePhoneLineChange(command, state);
    case 'CloseConsent':
      return close(command, state);
    default:
      return assertNever(command);
  }
}

/** A client's consent as a pure decider: one stream per client (`toConsentStreamName`). */
export const consentDecider: Decider<ConsentState, ConsentCommand, ConsentEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide,
};
