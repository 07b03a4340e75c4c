import { CommandMetadata, specificationFor } from '@salon/shared/ddd';
import { clientIdOfConsentStream, consentDecider, toConsentStreamName } from './consent';
import { ApplyRegistrationChoices, ConsentCommand } from './consent-commands';
import { ConsentEvent } from './consent-events';
import { ConsentPermission, ConsentPermissions, ConsentSource, MarketingPermission } from './consent-permissions';
import { MarketingConsentEvidence } from './marketing-consent-evidence';
import {
  DEFAULTS,
  allMarketingWithdrawn,
  applied,
  appliedOnLandline,
  at,
  capabilityChanged,
  clientId,
  closed,
  evidence,
  frontDesk,
  granted,
  marketingGranted,
  metadata,
  smsSwitchedOff,
  stateAfter,
  withdrawn,
} from './test/consent-history';

const spec = specificationFor(consentDecider);

const command = <C extends ConsentCommand>(type: C['type'], data: C['data'], meta: CommandMetadata = metadata): C =>
  ({ type, data, metadata: meta }) as C;

const applyRegistration = (data: Partial<ApplyRegistrationChoices['data']> = {}) =>
  command<ApplyRegistrationChoices>('ApplyRegistrationChoices', { clientId, smsCapable: true, hasEmail: true, ...data });
const grant = (permission: ConsentPermission, source: ConsentSource = 'front-desk') =>
  command<ConsentCommand>('GrantConsent', { clientId, permission, source });
const withdraw = (permission: ConsentPermission, source: ConsentSource = 'front-desk') =>
  command<ConsentCommand>('WithdrawConsent', { clientId, permission, source });
const grantMarketing = (permission: MarketingPermission, data: Partial<MarketingConsentEvidence> | null = {}) =>
  command<ConsentCommand>('GrantMarketingConsent', {
    clientId,
    permission,
    evidence: (data === null ? undefined : { ...evidence, ...data }) as MarketingConsentEvidence,
    source: 'front-desk',
  });
const withdrawAllMarketing = command<ConsentCommand>('WithdrawAllMarketing', { clientId, source: 'front-desk' });
const notePhoneLine = (smsCapable: boolean) => command<ConsentCommand>('NotePhoneLineChange', { clientId, smsCapable });
const close = (reason: 'deleted' | 'erased') => command<ConsentCommand>('CloseConsent', { clientId, reason });

const permissionsAfter = (history: readonly ConsentEvent[]): ConsentPermissions => {
  const state = stateAfter(history);
  if (state.status !== 'open') throw new Error(`expected an open record, got ${state.status}`);
  return state.permissions;
};

describe('consent streams', () => {
  it('names one stream per client, and reads the client back from it', () => {
    expect(toConsentStreamName('c-42')).toBe('consent-c-42');
    expect(clientIdOfConsentStream('consent-c-42')).toBe('c-42');
  });

  it('refuses a stream that is not a consent stream', () => {
    expect(() => clientIdOfConsentStream('client-c-42')).toThrow('not a consent stream');
    expect(() => clientIdOfConsentStream('consent-')).toThrow('not a consent stream');
  });
});

describe('ApplyRegistrationChoices', () => {
  it('switches notifications ON by default, with SMS reminders for a mobile and e-mail reminders for a client with an e-mail', () => {
    spec.given([]).when(applyRegistration()).then([applied()]);
  });

  it('leaves e-mail reminders OFF for a client without an e-mail', () => {
    spec
      .given([])
      .when(applyRegistration({ hasEmail: false }))
      .then([applied({ hasEmail: false, permissions: { ...DEFAULTS, remindersByEmail: false } })]);
  });

  it('leaves SMS reminders OFF for a landline', () => {
    spec.given([]).when(applyRegistration({ smsCapable: false })).then([appliedOnLandline]);
  });

  it('leaves only notifications ON for a landline without an e-mail', () => {
    const [event] = spec.given([]).when(applyRegistration({ smsCapable: false, hasEmail: false })).thenReturns();
    expect(event.data).toMatchObject({
      permissions: { notifications: true, remindersBySms: false, remindersByEmail: false, newsletter: false, marketingSms: false },
    });
  });

  it('applies the boxes of the form over the defaults, an explicit e-mail box included', () => {
    const choices = { notifications: false, remindersBySms: false, remindersByEmail: true };
    spec
      .given([])
      .when(applyRegistration({ hasEmail: false, initialConsent: choices }))
      .then([
        applied({
          hasEmail: false,
          choices,
          permissions: { notifications: false, remindersBySms: false, remindersByEmail: true, newsletter: false, marketingSms: false },
        }),
      ]);
  });

  it('never switches marketing ON at registration: written consent is needed', () => {
    const form = { newsletter: true, marketingSms: true } as unknown as ApplyRegistrationChoices['data']['initialConsent'];
    spec.given([]).when(applyRegistration({ initialConsent: form })).then([applied()]);
  });

  it('does not take an SMS box ticked for a landline, and says why', () => {
    spec
      .given([])
      .when(applyRegistration({ smsCapable: false, initialConsent: { remindersBySms: true } }))
      .then([
        applied({
          smsCapable: false,
          choices: { remindersBySms: true },
          permissions: { ...DEFAULTS, remindersBySms: false },
          notApplied: [{ permission: 'remindersBySms', reason: 'sms-to-landline' }],
        }),
      ]);
  });

  it('records who, where and through what; what the causing message did not carry reads null', () => {
    const fromImport = { ...metadata, actorId: undefined, salonId: undefined };
    spec
      .given([])
      .when(command<ConsentCommand>('ApplyRegistrationChoices', { clientId, smsCapable: true, hasEmail: true, source: 'import' }, fromImport))
      .then([applied({ source: 'import', actorId: null, salonId: null })]);
  });

  describe('with written marketing consent from an import', () => {
    const fromImport = {
      source: 'import' as const,
      permissions: ['newsletter', 'marketingSms'] as const,
      documentRef: 'ZG-2024/0017',
      signedAt: '2025-06-15T09:00:00.000Z',
      collectedBy: 'manager-1',
      salonId: 'salon-9',
    };
    const importEvidence = { documentRef: 'ZG-2024/0017', signedAt: '2025-06-15T09:00:00.000Z', collectedBy: 'manager-1', salonId: 'salon-9' };
    const importGrant = (permission: MarketingPermission): ConsentEvent => ({
      type: 'MarketingConsentGranted',
      data: { clientId, permission, evidence: importEvidence, source: 'import', actorId: 'manager-1', salonId: 'salon-9', grantedAt: at },
    });

    it('opens the record and grants each marketing permission with the evidence, as done by the importer at their salon', () => {
      spec
        .given([])
        .when(applyRegistration({ marketingConsent: fromImport }))
        .then([applied(), importGrant('newsletter'), importGrant('marketingSms')]);
      const state = stateAfter([applied(), importGrant('newsletter'), importGrant('marketingSms')]);
      expect(state).toMatchObject({ permissions: { newsletter: true, marketingSms: true }, marketingEvidence: { newsletter: importEvidence } });
    });

    it('does not take marketing SMS for a landline, and says why', () => {
      spec
        .given([])
        .when(applyRegistration({ smsCapable: false, marketingConsent: fromImport }))
        .then([
          applied({
            smsCapable: false,
            permissions: { ...DEFAULTS, remindersBySms: false },
            notApplied: [{ permission: 'marketingSms', reason: 'sms-to-landline' }],
          }),
          importGrant('newsletter'),
        ]);
    });

    it('refuses evidence the rules of any grant refuse (a reference that is not an id), naming the field', () => {
      const error = spec
        .given([])
        .when(applyRegistration({ marketingConsent: { ...fromImport, documentRef: 'Anna Nowak' } }))
        .thenThrows('invalid-evidence');
      expect(error.details).toMatchObject({ field: 'evidence.documentRef' });
    });

    it('records nothing when the registration is delivered again', () => {
      spec.given([applied(), importGrant('newsletter')]).when(applyRegistration({ marketingConsent: fromImport })).then([]);
    });
  });

  it('records nothing when the registration is delivered again', () => {
    spec.given([applied()]).when(applyRegistration()).then([]);
    spec.given([applied(), withdrawn('notifications')]).when(applyRegistration()).then([]);
  });

  it('refuses a registration after the client was deleted', () => {
    spec.given([closed('deleted')]).when(applyRegistration()).thenThrows('client-closed');
  });

  it.each([
    ['initialConsent.notifications', { initialConsent: { notifications: 'yes' as unknown as boolean } }, 'invalid-consent-choice'],
    ['initialConsent.remindersBySms', { initialConsent: { remindersBySms: 1 as unknown as boolean } }, 'invalid-consent-choice'],
    ['initialConsent', { initialConsent: 'all' as never }, 'invalid-consent-choice'],
    ['smsCapable', { smsCapable: undefined as unknown as boolean }, 'invalid-field-type'],
    ['hasEmail', { hasEmail: 'no' as unknown as boolean }, 'invalid-field-type'],
    ['clientId', { clientId: ' ' }, 'invalid-client-id'],
    ['source', { source: 'website' as ConsentSource }, 'unknown-source'],
  ] as const)('refuses an invalid %s', (field, data, code) => {
    const error = spec.given([]).when(applyRegistration(data)).thenThrows(code);
    expect(error.kind).toBe('invalid');
    expect(error.details).toMatchObject({ field });
  });
});

describe('GrantConsent', () => {
  it('switches a permission ON, recording who, when, where and through what', () => {
    const registeredWithout = applied({ permissions: { ...DEFAULTS, remindersByEmail: false } });
    spec.given([registeredWithout]).when(grant('remindersByEmail')).then([granted('remindersByEmail')]);
  });

  it.each(['front-desk', 'import', 'client-request'] as const)('records the source %s', (source) => {
    const [event] = spec.given([applied(), withdrawn('notifications')]).when(grant('notifications', source)).thenReturns();
    expect(event.data).toEqual({ clientId, permission: 'notifications', source, actorId: 'staff-7', salonId: 'salon-3', grantedAt: at });
  });

  it('records nothing when the permission is already ON', () => {
    spec.given([applied()]).when(grant('notifications')).then([]);
  });

  it('refuses SMS reminders for a landline (409), recording nothing', () => {
    const error = spec.given([appliedOnLandline]).when(grant('remindersBySms')).thenThrows('sms-to-landline');
    expect(error.kind).toBe('conflict');
    expect(error.details).toEqual({ clientId, permission: 'remindersBySms' });
  });

  it('switches SMS reminders back ON for a mobile', () => {
    spec.given([applied(), withdrawn('remindersBySms')]).when(grant('remindersBySms')).then([granted('remindersBySms')]);
  });

  it.each(['newsletter', 'marketingSms'] as const)('refuses %s without evidence of written consent, naming it', (permission) => {
    const error = spec.given([applied()]).when(grant(permission)).thenThrows('written-consent-required');
    expect(error.kind).toBe('invalid');
    expect(error.details).toEqual({ field: 'evidence', permission });
  });

  it('refuses an unknown permission or source, naming the field', () => {
    const unknownPermission = spec.given([applied()]).when(grant('sms' as ConsentPermission)).thenThrows('unknown-permission');
    expect(unknownPermission.details).toMatchObject({ field: 'permission' });
    const unknownSource = spec.given([applied()]).when(grant('notifications', 'phone' as ConsentSource)).thenThrows('unknown-source');
    expect(unknownSource.details).toMatchObject({ field: 'source' });
  });

  it('refuses a change that names no actor: the ledger records who', () => {
    const anonymous = command<ConsentCommand>('GrantConsent', { clientId, permission: 'notifications', source: 'front-desk' }, {
      ...metadata,
      actorId: undefined,
    });
    expect(spec.given([applied()]).when(anonymous).thenThrows('actor-required').details).toEqual({ field: 'actorId' });
  });

  it('refuses a change before the registration reached the consent context', () => {
    expect(spec.given([]).when(grant('notifications')).thenThrows('no-consent-record').kind).toBe('not-found');
  });
});

describe('GrantMarketingConsent', () => {
  it.each(['newsletter', 'marketingSms'] as const)('switches %s ON with the evidence of written consent', (permission) => {
    spec.given([applied()]).when(grantMarketing(permission)).then([marketingGranted(permission)]);
  });

  it('keeps the evidence trimmed, with the signature moment in UTC', () => {
    const [event] = spec
      .given([applied()])
      .when(grantMarketing('newsletter', { documentRef: '  FORM-7 ', consentTextVersion: '', signedAt: '2025-06-15T11:30+02:00' }))
      .thenReturns();
    expect(event.data).toMatchObject({
      evidence: { documentRef: 'FORM-7', signedAt: '2025-06-15T09:30:00.000Z', collectedBy: 'staff-7', salonId: 'salon-3' },
    });
    expect((event.data as { evidence: object }).evidence).not.toHaveProperty('consentTextVersion');
  });

  it('takes a document reference or a consent text version alone', () => {
    const { documentRef: _d, ...versionOnly } = evidence;
    const { consentTextVersion: _v, ...documentOnly } = evidence;
    spec
      .given([applied()])
      .when(grantMarketing('newsletter', { documentRef: undefined }))
      .then([marketingGranted('newsletter', versionOnly)]);
    spec
      .given([applied()])
      .when(grantMarketing('newsletter', { consentTextVersion: undefined }))
      .then([marketingGranted('newsletter', documentOnly)]);
  });

  it('takes a consent signed this very moment', () => {
    const [event] = spec.given([applied()]).when(grantMarketing('newsletter', { signedAt: at })).thenReturns();
    expect(event.data).toMatchObject({ evidence: { signedAt: at } });
  });

  it('refuses marketing without evidence, naming the field "evidence"', () => {
    const error = spec.given([applied()]).when(grantMarketing('newsletter', null)).thenThrows('written-consent-required');
    expect(error.kind).toBe('invalid');
    expect(error.details).toEqual({ field: 'evidence' });
    expect(error.reason).toContain('written consent');
  });

  it('refuses evidence that does not say what was signed', () => {
    const error = spec
      .given([applied()])
      .when(grantMarketing('marketingSms', { documentRef: ' ', consentTextVersion: undefined }))
      .thenThrows('written-consent-required');
    expect(error.details).toEqual({ field: 'evidence' });
  });

  it('refuses a consent signed in the future', () => {
    const error = spec
      .given([applied()])
      .when(grantMarketing('newsletter', { signedAt: '2025-06-15T10:00:01.000Z' }))
      .thenThrows('invalid-evidence');
    expect(error.details).toEqual({ field: 'evidence.signedAt' });
    expect(error.reason).toContain('future');
  });

  it.each([
    ['evidence.signedAt', 'a date without a time', { signedAt: '2025-06-15' }],
    ['evidence.signedAt', 'a local date format', { signedAt: '15.06.2025 10:00' }],
    ['evidence.signedAt', 'a day that does not exist', { signedAt: '2025-02-30T10:00:00Z' }],
    ['evidence.signedAt', 'an hour that does not exist', { signedAt: '2025-06-14T24:00:00Z' }],
    ['evidence.signedAt', 'a time without a zone', { signedAt: '2025-06-14T10:00:00' }],
    ['evidence.signedAt', '29 February of a common year', { signedAt: '2025-02-29T10:00:00Z' }],
    ['evidence.signedAt', '31 April', { signedAt: '2025-04-31T10:00:00Z' }],
    ['evidence.signedAt', 'an offset beyond +14:00', { signedAt: '2025-06-14T10:00:00+15:00' }],
    ['evidence.signedAt', 'offset minutes of 60', { signedAt: '2025-06-14T10:00:00+01:60' }],
    ['evidence.signedAt', 'a number', { signedAt: 1750000000000 as unknown as string }],
    ['evidence.signedAt', 'nothing', { signedAt: undefined as unknown as string }],
    ['evidence.collectedBy', 'an empty staff id', { collectedBy: '' }],
    ['evidence.collectedBy', 'no staff id', { collectedBy: undefined as unknown as string }],
    ['evidence.salonId', 'a blank salon id', { salonId: '  ' }],
    ['evidence.documentRef', 'a number', { documentRef: 42 as unknown as string }],
    ['evidence.documentRef', 'more than 500 characters', { documentRef: 'x'.repeat(501) }],
    // It outlives an erasure in clear: an id, never the client's name or contact (issue 15).
    ['evidence.documentRef', 'a spelled-out name', { documentRef: 'Consent form 7 Jan Kowalski' }],
    ['evidence.documentRef', 'a bare surname', { documentRef: 'Kowalska' }],
    ['evidence.documentRef', 'an e-mail address', { documentRef: 'jan.kowalski7@example.com' }],
    ['evidence.documentRef', 'a phone number in E.164', { documentRef: '+48601234567' }],
    ['evidence.consentTextVersion', 'more than 100 characters', { consentTextVersion: 'v'.repeat(101) }],
  ] as const)('refuses invalid evidence: %s as %s', (field, _, data) => {
    const error = spec.given([applied()]).when(grantMarketing('newsletter', data)).thenThrows('invalid-evidence');
    expect(error.kind).toBe('invalid');
    expect(error.details).toEqual({ field });
  });

  it('refuses marketing SMS for a landline, even with written consent (409)', () => {
    const error = spec.given([appliedOnLandline]).when(grantMarketing('marketingSms')).thenThrows('sms-to-landline');
    expect(error.kind).toBe('conflict');
  });

  it('takes the newsletter for a landline: it goes by e-mail', () => {
    spec.given([appliedOnLandline]).when(grantMarketing('newsletter')).then([marketingGranted('newsletter')]);
  });

  it('refuses a permission that is not marketing', () => {
    const error = spec
      .given([applied()])
      .when(grantMarketing('remindersByEmail' as MarketingPermission))
      .thenThrows('not-a-marketing-permission');
    expect(error.details).toEqual({ field: 'permission' });
  });

  it('records nothing for the same evidence again, and records a renewed signature', () => {
    spec.given([applied(), marketingGranted('newsletter')]).when(grantMarketing('newsletter')).then([]);
    const renewed = { ...evidence, consentTextVersion: 'marketing-v4', signedAt: '2025-06-15T09:55:00.000Z' };
    spec
      .given([applied(), marketingGranted('newsletter')])
      .when(grantMarketing('newsletter', renewed))
      .then([marketingGranted('newsletter', renewed)]);
  });

  it('asks for evidence again once the consent was withdrawn', () => {
    spec
      .given([applied(), marketingGranted('newsletter'), withdrawn('newsletter')])
      .when(grant('newsletter'))
      .thenThrows('written-consent-required');
    spec
      .given([applied(), marketingGranted('newsletter'), withdrawn('newsletter')])
      .when(grantMarketing('newsletter'))
      .then([marketingGranted('newsletter')]);
  });

  it('refuses a change that names no actor', () => {
    const anonymous = { ...grantMarketing('newsletter'), metadata: { ...metadata, actorId: '' } };
    spec.given([applied()]).when(anonymous).thenThrows('actor-required');
  });
});

describe('WithdrawConsent', () => {
  const everythingOn = [applied(), marketingGranted('newsletter'), marketingGranted('marketingSms')];

  it.each(['notifications', 'remindersBySms', 'remindersByEmail', 'newsletter', 'marketingSms'] as const)(
    'switches %s OFF',
    (permission) => {
      spec.given(everythingOn).when(withdraw(permission)).then([withdrawn(permission)]);
      expect(permissionsAfter([...everythingOn, withdrawn(permission)])[permission]).toBe(false);
    },
  );

  it.each(['front-desk', 'import', 'client-request'] as const)('is possible through %s', (source) => {
    spec.given(everythingOn).when(withdraw('newsletter', source)).then([withdrawn('newsletter', source)]);
  });

  it('records nothing when the permission is already OFF: withdrawing twice is harmless', () => {
    spec.given([applied(), withdrawn('notifications')]).when(withdraw('notifications')).then([]);
    spec.given([applied()]).when(withdraw('newsletter')).then([]);
  });

  it('is possible for SMS on a landline (already OFF there, so nothing to record)', () => {
    spec.given([appliedOnLandline]).when(withdraw('remindersBySms')).then([]);
    spec.given([appliedOnLandline]).when(withdraw('marketingSms')).then([]);
  });

  it('drops the evidence with the marketing permission', () => {
    const state = stateAfter([...everythingOn, withdrawn('newsletter')]);
    expect(state).toMatchObject({ marketingEvidence: { marketingSms: evidence } });
    expect(state).not.toHaveProperty('marketingEvidence.newsletter');
  });

  it('refuses an unknown permission', () => {
    spec.given([applied()]).when(withdraw('everything' as ConsentPermission)).thenThrows('unknown-permission');
  });
});

describe('WithdrawAllMarketing', () => {
  it('switches newsletter and marketing SMS OFF in one call', () => {
    const history = [applied(), marketingGranted('newsletter'), marketingGranted('marketingSms')];
    spec.given(history).when(withdrawAllMarketing).then([allMarketingWithdrawn(['newsletter', 'marketingSms'])]);
    expect(stateAfter([...history, allMarketingWithdrawn(['newsletter', 'marketingSms'])])).toMatchObject({
      permissions: DEFAULTS,
      marketingEvidence: {},
    });
  });

  it('names only the permissions that were ON', () => {
    spec.given([applied(), marketingGranted('marketingSms')]).when(withdrawAllMarketing).then([allMarketingWithdrawn(['marketingSms'])]);
  });

  it('leaves notifications and reminders as they are', () => {
    const history = [applied(), marketingGranted('newsletter'), allMarketingWithdrawn(['newsletter'])];
    expect(permissionsAfter(history)).toEqual(DEFAULTS);
  });

  it('records nothing when no marketing permission is ON', () => {
    spec.given([applied()]).when(withdrawAllMarketing).then([]);
  });

  it('refuses a change that names no actor', () => {
    spec.given([applied()]).when({ ...withdrawAllMarketing, metadata: { ...metadata, actorId: undefined } }).thenThrows('actor-required');
  });
});

describe('NotePhoneLineChange', () => {
  it('switches every SMS permission OFF when the phone becomes a landline, saying why', () => {
    spec
      .given([applied(), marketingGranted('marketingSms'), marketingGranted('newsletter')])
      .when(notePhoneLine(false))
      .then([capabilityChanged(false), smsSwitchedOff(['remindersBySms', 'marketingSms'])]);
    const state = stateAfter([
      applied(),
      marketingGranted('marketingSms'),
      marketingGranted('newsletter'),
      capabilityChanged(false),
      smsSwitchedOff(['remindersBySms', 'marketingSms']),
    ]);
    expect(state).toMatchObject({
      smsCapable: false,
      permissions: { ...DEFAULTS, remindersBySms: false, newsletter: true, marketingSms: false },
      marketingEvidence: { newsletter: evidence },
    });
    expect(state).not.toHaveProperty('marketingEvidence.marketingSms');
  });

  it('only notes the landline when no SMS permission was ON', () => {
    spec.given([applied(), withdrawn('remindersBySms')]).when(notePhoneLine(false)).then([capabilityChanged(false)]);
  });

  it('leaves SMS OFF when the phone is a mobile again, until the client asks for it', () => {
    const history = [appliedOnLandline, capabilityChanged(true)];
    spec.given([appliedOnLandline]).when(notePhoneLine(true)).then([capabilityChanged(true)]);
    expect(permissionsAfter(history).remindersBySms).toBe(false);
    spec.given(history).when(grant('remindersBySms')).then([granted('remindersBySms')]);
  });

  it('records nothing when the phone can still (or still not) receive SMS', () => {
    spec.given([applied()]).when(notePhoneLine(true)).then([]);
    spec.given([appliedOnLandline]).when(notePhoneLine(false)).then([]);
  });

  it('refuses a capability that is not yes or no', () => {
    const error = spec.given([applied()]).when(notePhoneLine('no' as unknown as boolean)).thenThrows('invalid-field-type');
    expect(error.details).toEqual({ field: 'smsCapable' });
  });

  it('refuses a phone change before the registration reached the consent context', () => {
    spec.given([]).when(notePhoneLine(false)).thenThrows('no-consent-record');
  });
});

describe('CloseConsent', () => {
  it.each(['deleted', 'erased'] as const)('closes the record when the client was %s', (reason) => {
    spec.given([applied()]).when(close(reason)).then([closed(reason)]);
    expect(stateAfter([applied(), closed(reason)])).toEqual({ status: 'closed', clientId, reason, version: 2, updatedAt: at });
  });

  it('records a repeated close once, whatever the reason given the second time', () => {
    spec.given([applied(), closed('erased')]).when(close('erased')).then([]);
    spec.given([applied(), closed('deleted')]).when(close('erased')).then([]);
  });

  it('closes a record the registration never reached, so a late registration cannot open it', () => {
    spec.given([]).when(close('deleted')).then([closed('deleted')]);
    spec.given([closed('deleted')]).when(applyRegistration()).thenThrows('client-closed');
  });

  it('refuses an unknown reason', () => {
    const error = spec.given([applied()]).when(close('merged' as 'deleted')).thenThrows('invalid-close-reason');
    expect(error.details).toEqual({ field: 'reason' });
  });

  it.each<[string, ConsentCommand]>([
    ['ApplyRegistrationChoices', applyRegistration()],
    ['GrantConsent', grant('notifications')],
    ['WithdrawConsent', withdraw('notifications')],
    ['GrantMarketingConsent', grantMarketing('newsletter')],
    ['WithdrawAllMarketing', withdrawAllMarketing],
    ['NotePhoneLineChange', notePhoneLine(false)],
  ])('refuses %s once closed', (_, next) => {
    const error = spec.given([applied(), marketingGranted('newsletter'), closed('erased')]).when(next).thenThrows('client-closed');
    expect(error.kind).toBe('conflict');
    expect(error.details).toEqual({ clientId, closedBecause: 'erased' });
    expect(error.reason).toContain('erased');
  });
});

describe('the ledger', () => {
  it('counts every change in the version and keeps the time of the last one', () => {
    const later = '2025-06-16T08:00:00.000Z';
    const history: ConsentEvent[] = [
      applied(),
      { type: 'ConsentWithdrawn', data: { clientId, permission: 'remindersByEmail', ...frontDesk, withdrawnAt: later } },
    ];
    expect(stateAfter(history)).toMatchObject({ status: 'open', version: 2, updatedAt: later });
  });
});
