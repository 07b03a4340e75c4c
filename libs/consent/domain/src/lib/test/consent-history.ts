import { CommandMetadata, fold } from '@salon/shared/ddd';
import { ConsentState, consentDecider } from '../consent';
import { ConsentEvent, RegistrationConsentApplied } from '../consent-events';
import { MarketingConsentEvidence } from '../marketing-consent-evidence';
import { ConsentPermission, ConsentPermissions, ConsentSource, MarketingPermission, SmsPermission } from '../consent-permissions';

/** Events of one client's consent stream, for the specs: all at `at`, by `frontDesk`. */

export const clientId = 'c-1';
export const now = new Date('2025-06-15T10:00:00.000Z');
export const at = now.toISOString();
export const metadata: CommandMetadata = {
  tenantId: 'chain-1',
  correlationId: 'corr-1',
  causationId: 'cause-1',
  actorId: 'staff-7',
  salonId: 'salon-3',
  now,
};
/** Who, where and through what, as recorded from `metadata` by the front desk. */
export const frontDesk = { source: 'front-desk', actorId: 'staff-7', salonId: 'salon-3' } as const;

export const evidence: MarketingConsentEvidence = {
  documentRef: 'FORM-2025-000123',
  consentTextVersion: 'marketing-v3',
  signedAt: '2025-06-15T09:45:00.000Z',
  collectedBy: 'staff-7',
  salonId: 'salon-3',
};

/** The registration defaults for a mobile phone and a client with an e-mail. */
export const DEFAULTS: ConsentPermissions = {
  notifications: true,
  remindersBySms: true,
  remindersByEmail: true,
  newsletter: false,
  marketingSms: false,
};

export const applied = (data: Partial<RegistrationConsentApplied['data']> = {}): RegistrationConsentApplied => ({
  type: 'RegistrationConsentApplied',
  data: {
    clientId,
    smsCapable: true,
    hasEmail: true,
    choices: {},
    permissions: DEFAULTS,
    notApplied: [],
    ...frontDesk,
    appliedAt: at,
    ...data,
  },
});

/** A registration on a landline: SMS reminders OFF. */
export const appliedOnLandline = applied({ smsCapable: false, permissions: { ...DEFAULTS, remindersBySms: false } });

export const granted = (permission: ConsentPermission): ConsentEvent => ({
  type: 'ConsentGranted',
  data: { clientId, permission, ...frontDesk, grantedAt: at },
});

export const marketingGranted = (
  permission: MarketingPermission,
  withEvidence: MarketingConsentEvidence = evidence,
): ConsentEvent => ({
  type: 'MarketingConsentGranted',
  data: { clientId, permission, evidence: withEvidence, ...frontDesk, grantedAt: at },
});

export const withdrawn = (permission: ConsentPermission, source: ConsentSource = 'front-desk'): ConsentEvent => ({
  type: 'ConsentWithdrawn',
  data: { clientId, permission, ...frontDesk, source, withdrawnAt: at },
});

export const allMarketingWithdrawn = (permissions: MarketingPermission[]): ConsentEvent => ({
  type: 'AllMarketingConsentWithdrawn',
  data: { clientId, permissions, ...frontDesk, withdrawnAt: at },
});

export const capabilityChanged = (smsCapable: boolean): ConsentEvent => ({
  type: 'SmsCapabilityChanged',
  data: { clientId, smsCapable, ...frontDesk, changedAt: at },
});

export const smsSwitchedOff = (permissions: SmsPermission[]): ConsentEvent => ({
  type: 'SmsConsentSwitchedOff',
  data: { clientId, permissions, reason: 'sms-to-landline', ...frontDesk, switchedOffAt: at },
});

export const closed = (reason: 'deleted' | 'erased'): ConsentEvent => ({
  type: 'ConsentClosed',
  data: { clientId, reason, ...frontDesk, closedAt: at },
});

export const stateAfter = (history: readonly ConsentEvent[]): ConsentState => fold(consentDecider, history);
