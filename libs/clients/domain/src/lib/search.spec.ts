import { phoneSearchKeys, searchableText } from './search';

describe('searchableText', () => {
  it('lower-cases and strips Polish diacritics, ł included', () => {
    expect(searchableText('Łukasz Żółć')).toBe('lukasz zolc');
    expect(searchableText('ĄĆĘŁŃÓŚŹŻ ąćęłńóśźż')).toBe('acelnoszz acelnoszz');
  });

  it('keeps Cyrillic letters and lower-cases them', () => {
    expect(searchableText('Петрова Анна')).toBe('петрова анна');
  });

  it('maps ё to е, so "Семён" and "Семен" meet', () => {
    expect(searchableText('Семён Ёлкин')).toBe('семен елкин');
  });

  it('keeps й, ў and ї, which are letters of their own, not accented letters', () => {
    expect(searchableText('Йошкин Ўладзімір Їжак')).toBe('йошкин ўладзімір їжак');
  });

  it('drops accents of other Latin alphabets and collapses whitespace', () => {
    expect(searchableText('  José   Müller-Čapek ')).toBe('jose muller-capek');
  });
});

describe('phoneSearchKeys', () => {
  it('gives the E.164 digits, the national number and the national form with its prefix', () => {
    expect(phoneSearchKeys('+79123456789')).toEqual(['79123456789', '9123456789', '89123456789']);
  });

  it('has no national prefix key where the country dials none', () => {
    expect(phoneSearchKeys('+48601234567')).toEqual(['48601234567', '601234567']);
  });

  it('finds a number by the digits of what the user typed', () => {
    const keys = phoneSearchKeys('+79123456789');
    const typed = ['8 (912) 345-67-89', '+7 912 345', '912-345', '89123'];
    for (const query of typed) {
      const digits = query.replace(/\D/g, '');
      expect(keys.some((key) => key.includes(digits))).toBe(true);
    }
  });
});
