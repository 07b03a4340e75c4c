import {
  CONSENT_PERMISSIONS,
  CONTACT_CHANNELS,
  CONTACT_PURPOSES,
  isMarketingPermission,
  isSmsPermission,
  parseConsentPermission,
  parseConsentSource,
  parseContactChannel,
  parseContactPurpose,
  permissionFor,
} from './consent-permissions';

describe('permissionFor', () => {
  it.each([
    ['notifications', 'sms', 'notifications'],
    ['notifications', 'email', 'notifications'],
    ['reminders', 'sms', 'remindersBySms'],
    ['reminders', 'email', 'remindersByEmail'],
    ['marketing', 'sms', 'marketingSms'],
    ['marketing', 'email', 'newsletter'],
  ] as const)('maps %s by %s to the %s switch', (purpose, channel, permission) => {
    expect(permissionFor(purpose, channel)).toBe(permission);
  });

  it('leaves no switch without a purpose and channel', () => {
    const reached = new Set(CONTACT_PURPOSES.flatMap((purpose) => CONTACT_CHANNELS.map((channel) => permissionFor(purpose, channel))));
    expect([...reached].sort()).toEqual([...CONSENT_PERMISSIONS].sort());
  });
});

describe('permission kinds', () => {
  it('knows which switches need written consent and which send SMS', () => {
    expect(CONSENT_PERMISSIONS.filter(isMarketingPermission)).toEqual(['newsletter', 'marketingSms']);
    expect(CONSENT_PERMISSIONS.filter(isSmsPermission)).toEqual(['remindersBySms', 'marketingSms']);
  });
});

describe('reading names from outside', () => {
  it('takes the known names', () => {
    expect(parseConsentPermission('newsletter')).toBe('newsletter');
    expect(parseContactPurpose('reminders')).toBe('reminders');
    expect(parseContactChannel('sms')).toBe('sms');
    expect(parseConsentSource('client-request')).toBe('client-request');
  });

  it.each([
    [parseConsentPermission, 'marketing', 'unknown-permission', 'permission'],
    [parseContactPurpose, 'promotion', 'unknown-purpose', 'purpose'],
    [parseContactChannel, 'whatsapp', 'unknown-channel', 'channel'],
    [parseContactChannel, 'SMS', 'unknown-channel', 'channel'],
    [parseConsentSource, undefined, 'unknown-source', 'source'],
  ] as const)('refuses an unknown name (%#: %s) with 400, naming the field and the names it takes', (parse, value, code, field) => {
    let thrown: unknown;
    try {
      parse(value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ kind: 'invalid', code, details: { field } });
    expect((thrown as { details: { allowed: unknown } }).details.allowed).toBeInstanceOf(Array);
  });

  it('names the field the caller gives', () => {
    expect(() => parseContactChannel('fax', 'query.channel')).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ field: 'query.channel' }) }),
    );
  });
});
