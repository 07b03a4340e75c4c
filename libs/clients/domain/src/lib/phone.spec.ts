import { DomainError } from '@salon/shared/ddd';
import { canReceiveSms, normalisePhone } from './phone';

function refusalOf(action: () => unknown): DomainError {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('Expected a DomainError');
}

describe('normalisePhone', () => {
  it.each([
    ['8 (912) 345-67-89', 'RU'],
    ['+7 912 345 67 89', 'RU'],
    ['89123456789', 'RU'],
    ['+7 (912) 345-67-89', 'PL'],
  ] as const)('reads the Russian mobile "%s" (chain in %s)', (raw, country) => {
    expect(normalisePhone(raw, country)).toEqual({ e164: '+79123456789', country: 'RU', lineType: 'mobile' });
  });

  it.each(['0048 601 234 567', '601 234 567', '601-234-567', '+48 601 234 567', '+48 (601) 234-567'])(
    'reads the Polish mobile "%s" in a Polish chain',
    (raw) => {
      expect(normalisePhone(raw, 'PL')).toEqual({ e164: '+48601234567', country: 'PL', lineType: 'mobile' });
    },
  );

  it('tells a landline from a mobile', () => {
    expect(normalisePhone('8 (495) 123-45-67', 'RU')).toEqual({ e164: '+74951234567', country: 'RU', lineType: 'fixed-line' });
    expect(normalisePhone('(22) 123 45 67', 'PL')).toEqual({ e164: '+48221234567', country: 'PL', lineType: 'fixed-line' });
  });

  it('reports a number whose plan mixes landlines and mobiles as such', () => {
    expect(normalisePhone('+1 212 555 0100', 'RU').lineType).toBe('fixed-line-or-mobile');
  });

  it('classifies toll-free and similar numbers as other', () => {
    expect(normalisePhone('8 800 555 35 35', 'RU').lineType).toBe('other');
  });

  it.each([
    ['abc', 'not a phone number'],
    ['12345', 'not a valid phone number'],
    ['+7 912 345 67 89 call me', 'not a phone number'],
    ['', 'required'],
    ['   ', 'required'],
    ['8 912 345 67 89 ext. 5', 'extension'],
    ['9'.repeat(65), 'too long'],
  ])('refuses "%s", naming the field', (raw, reason) => {
    const error = refusalOf(() => normalisePhone(raw, 'RU'));
    expect(error.kind).toBe('invalid');
    expect(error.code).toBe('invalid-phone');
    expect(error.details).toEqual({ field: 'phone' });
    expect(error.reason).toContain(reason);
    if (raw.trim() !== '') expect(error.reason).not.toContain(raw.trim());
  });

  it('names the second phone when that is the field that is wrong', () => {
    expect(refusalOf(() => normalisePhone('not a number', 'PL', 'secondPhone')).details).toEqual({ field: 'secondPhone' });
  });

  it('treats an unsupported default country as a set-up error, not as bad input', () => {
    expect(() => normalisePhone('601 234 567', 'XX' as never)).toThrow('Unsupported default country');
  });
});

describe('canReceiveSms', () => {
  it.each([
    ['mobile', true],
    ['fixed-line', false],
    ['fixed-line-or-mobile', true],
    ['voip', true],
    ['other', true],
    ['unknown', true],
  ] as const)('%s → %s', (lineType, expected) => {
    expect(canReceiveSms(lineType)).toBe(expected);
  });
});
