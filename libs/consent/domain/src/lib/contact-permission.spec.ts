import { ConsentState, consentDecider } from './consent';
import { ConsentEvent } from './consent-events';
import { CONTACT_CHANNELS, CONTACT_PURPOSES, ContactChannel, ContactPurpose } from './consent-permissions';
import { CONTACT_REASONS, ContactReason, mayContact, toConsentState, toConsentSummary } from './contact-permission';
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
  marketingGranted,
  now,
  smsSwitchedOff,
  stateAfter,
  withdrawn,
} from './test/consent-history';

const everyPurposeAndChannel = CONTACT_PURPOSES.flatMap((purpose) => CONTACT_CHANNELS.map((channel) => [purpose, channel] as const));

/** Given a consent history, when the notification service asks, then it gets this answer. */
const given = (history: readonly ConsentEvent[]) => ({
  asked: (purpose: ContactPurpose, channel: ContactChannel, at: Date = now) => ({
    answers: (reason: ContactReason) =>
      expect(mayContact(stateAfter(history), purpose, channel, at)).toEqual({ allowed: reason === 'allowed', reason }),
  }),
});

const withMarketing = [applied(), marketingGranted('newsletter'), marketingGranted('marketingSms')];

describe('mayContact', () => {
  it('allows reminders and notifications on both channels with the registration defaults', () => {
    for (const channel of CONTACT_CHANNELS) {
      given([applied()]).asked('reminders', channel).answers('allowed');
      given([applied()]).asked('notifications', channel).answers('allowed');
    }
  });

  it('allows marketing by each channel with written consent on record', () => {
    given(withMarketing).asked('marketing', 'email').answers('allowed');
    given(withMarketing).asked('marketing', 'sms').answers('allowed');
  });

  it.each(everyPurposeAndChannel)('says no-consent-record for %s by %s when the client is unknown here', (purpose, channel) => {
    given([]).asked(purpose, channel).answers('no-consent-record');
  });

  it.each(everyPurposeAndChannel)('says client-closed for %s by %s once the client was deleted or erased', (purpose, channel) => {
    given([...withMarketing, closed('deleted')]).asked(purpose, channel).answers('client-closed');
    given([...withMarketing, closed('erased')]).asked(purpose, channel).answers('client-closed');
    given([closed('erased')]).asked(purpose, channel).answers('client-closed');
  });

  it('says notifications-off for every automatic notification, whatever the reminder preferences', () => {
    const notificationsOff = [applied(), withdrawn('notifications')];
    for (const channel of CONTACT_CHANNELS) {
      given(notificationsOff).asked('reminders', channel).answers('notifications-off');
      given(notificationsOff).asked('notifications', channel).answers('notifications-off');
    }
  });

  it('keeps marketing to its own written consent when notifications are off', () => {
    given([...withMarketing, withdrawn('notifications')]).asked('marketing', 'email').answers('allowed');
    given([applied(), withdrawn('notifications')]).asked('marketing', 'email').answers('no-written-marketing-consent');
  });

  it('says sms-to-landline for any SMS to a landline', () => {
    for (const purpose of CONTACT_PURPOSES) given([appliedOnLandline]).asked(purpose, 'sms').answers('sms-to-landline');
    given([appliedOnLandline]).asked('reminders', 'email').answers('allowed');
  });

  it('says sms-to-landline once the phone became a landline, marketing consent or not', () => {
    const becameLandline = [...withMarketing, capabilityChanged(false), smsSwitchedOff(['remindersBySms', 'marketingSms'])];
    given(becameLandline).asked('reminders', 'sms').answers('sms-to-landline');
    given(becameLandline).asked('marketing', 'sms').answers('sms-to-landline');
    given(becameLandline).asked('marketing', 'email').answers('allowed');
  });

  it('says reminders-by-sms-off and reminders-by-email-off for the channel the client turned down', () => {
    given([applied(), withdrawn('remindersBySms')]).asked('reminders', 'sms').answers('reminders-by-sms-off');
    given([applied(), withdrawn('remindersBySms')]).asked('reminders', 'email').answers('allowed');
    given([applied({ hasEmail: false, permissions: { ...DEFAULTS, remindersByEmail: false } })])
      .asked('reminders', 'email')
      .answers('reminders-by-email-off');
  });

  it('still allows other automatic notifications when the reminder channels are off', () => {
    const noReminders = [applied(), withdrawn('remindersBySms'), withdrawn('remindersByEmail')];
    given(noReminders).asked('notifications', 'sms').answers('allowed');
    given(noReminders).asked('notifications', 'email').answers('allowed');
  });

  it('says no-written-marketing-consent without it, after it was withdrawn, and before it was signed', () => {
    given([applied()]).asked('marketing', 'email').answers('no-written-marketing-consent');
    given([applied()]).asked('marketing', 'sms').answers('no-written-marketing-consent');
    given([...withMarketing, withdrawn('newsletter')]).asked('marketing', 'email').answers('no-written-marketing-consent');
    given([...withMarketing, withdrawn('newsletter')]).asked('marketing', 'sms').answers('allowed');
    given([...withMarketing, allMarketingWithdrawn(['newsletter', 'marketingSms'])]).asked('marketing', 'sms').answers(
      'no-written-marketing-consent',
    );
    given(withMarketing).asked('marketing', 'email', new Date('2025-06-15T09:44:59.999Z')).answers('no-written-marketing-consent');
    given(withMarketing).asked('marketing', 'email', new Date(evidence.signedAt)).answers('allowed');
  });

  it('answers no to a moment that is not a date', () => {
    given(withMarketing).asked('marketing', 'email', new Date('not a date')).answers('no-written-marketing-consent');
  });

  it('gives only the documented reasons', () => {
    expect([...CONTACT_REASONS].sort()).toEqual(
      [
        'allowed',
        'client-closed',
        'no-consent-record',
        'no-written-marketing-consent',
        'notifications-off',
        'reminders-by-email-off',
        'reminders-by-sms-off',
        'sms-to-landline',
      ].sort(),
    );
  });
});

describe('toConsentState', () => {
  it('publishes the answer for every purpose and channel, the switches, and what a sender needs', () => {
    const { documentRef: _documentRef, ...versionOnly } = evidence;
    const history = [
      applied(),
      withdrawn('remindersByEmail'),
      marketingGranted('newsletter', versionOnly),
    ];
    expect(toConsentState(stateAfter(history))).toEqual({
      clientId,
      version: 3,
      updatedAt: at,
      smsCapable: true,
      permissions: {
        notifications: { sms: { allowed: true, reason: 'allowed' }, email: { allowed: true, reason: 'allowed' } },
        reminders: { sms: { allowed: true, reason: 'allowed' }, email: { allowed: false, reason: 'reminders-by-email-off' } },
        marketing: {
          sms: { allowed: false, reason: 'no-written-marketing-consent' },
          email: { allowed: true, reason: 'allowed' },
        },
      },
      switches: { notifications: true, remindersBySms: true, remindersByEmail: false, newsletter: true, marketingSms: false },
      marketingEvidence: {
        newsletter: { consentTextVersion: 'marketing-v3', signedAt: evidence.signedAt },
        marketingSms: null,
      },
    });
  });

  it('publishes the document reference and version of each marketing consent, not who collected it', () => {
    const published = toConsentState(stateAfter(withMarketing));
    const reference = { documentRef: evidence.documentRef, consentTextVersion: evidence.consentTextVersion, signedAt: evidence.signedAt };
    expect(published?.marketingEvidence).toEqual({ newsletter: reference, marketingSms: reference });
  });

  it('tells a landline to the sender, with the reason on every SMS', () => {
    const published = toConsentState(stateAfter([appliedOnLandline]));
    expect(published).toMatchObject({ smsCapable: false });
    for (const purpose of CONTACT_PURPOSES) {
      expect(published?.permissions[purpose].sms).toEqual({ allowed: false, reason: 'sms-to-landline' });
    }
  });

  it('gives every answer mayContact gives', () => {
    for (const history of [[applied()], withMarketing, [appliedOnLandline, withdrawn('notifications')]]) {
      const state = stateAfter(history);
      for (const [purpose, channel] of everyPurposeAndChannel) {
        expect(toConsentState(state)?.permissions[purpose][channel]).toEqual(mayContact(state, purpose, channel, now));
      }
    }
  });

  it('holds no personal data: ids, switches, dates and references only', () => {
    const published = toConsentState(stateAfter(withMarketing));
    expect(Object.keys(published ?? {}).sort()).toEqual(
      ['clientId', 'marketingEvidence', 'permissions', 'smsCapable', 'switches', 'updatedAt', 'version'].sort(),
    );
    const json = JSON.stringify(published);
    expect(json).not.toMatch(/@|\+\d{7,}/); // no e-mail address, no phone number
    expect(json).not.toMatch(/staff-7|salon-3/); // who collected the consent stays in the ledger
  });

  it('raises the version with every change, so a later state replaces an earlier one', () => {
    const first = toConsentState(stateAfter([applied()]));
    const second = toConsentState(stateAfter([applied(), withdrawn('notifications')]));
    expect(first?.version).toBe(1);
    expect(second?.version).toBe(2);
  });

  it('publishes a tombstone (null) for a closed record, and nothing for an unknown client', () => {
    expect(toConsentState(stateAfter([applied(), closed('erased')]))).toBeNull();
    expect(toConsentState(stateAfter([applied(), closed('deleted')]))).toBeNull();
    expect(toConsentState(consentDecider.initialState())).toBeNull();
  });
});

describe('toConsentSummary', () => {
  it('summarises the switches for the profile view, marketing as one', () => {
    expect(toConsentSummary(stateAfter([applied()]))).toEqual({
      notifications: true,
      remindersBySms: true,
      remindersByEmail: true,
      marketing: false,
    });
    expect(toConsentSummary(stateAfter([applied(), marketingGranted('marketingSms'), withdrawn('remindersByEmail')]))).toEqual({
      notifications: true,
      remindersBySms: true,
      remindersByEmail: false,
      marketing: true,
    });
  });

  it('has nothing to show without an open record', () => {
    const none: ConsentState = consentDecider.initialState();
    expect(toConsentSummary(none)).toBeNull();
    expect(toConsentSummary(stateAfter([applied(), closed('erased')]))).toBeNull();
  });
});
