import { NAME_KEY_MAX_LENGTH, nameQueryKeys, nameSearchKeys, phoneSearchKeys, searchableText } from './search';

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

describe('nameSearchKeys', () => {
  it('gives every fragment of every word: the prefixes of each suffix', () => {
    expect(nameSearchKeys(['Anna']).sort()).toEqual(['a', 'an', 'ann', 'anna', 'n', 'na', 'nn', 'nna'].sort());
  });

  it('normalises the names the way searchableText does, word by word, without duplicates', () => {
    const keys = nameSearchKeys(['Łukasz', 'Żółkiewski', undefined]);
    expect(keys).toEqual(expect.arrayContaining(['lukasz', 'zolkiewski', 'olk', 'ski', 'z']));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.some((key) => /[A-ZŁŻÓ ]/.test(key))).toBe(false);
    expect(nameSearchKeys(['Семён', 'Ёлкин'])).toEqual(expect.arrayContaining(['семен', 'елкин', 'мен']));
    expect(nameSearchKeys(['Анна Мария'])).toEqual(expect.arrayContaining(['анна', 'мария', 'ария']));
    expect(nameSearchKeys(['Анна Мария'])).not.toContain('анна мария');
  });

  it('bounds keys to 12 characters, so a long word gives at most 12 keys per letter', () => {
    const word = 'Abcdefghijklmnopqrstuvwxyz';
    const keys = nameSearchKeys([word]);
    expect(Math.max(...keys.map((key) => key.length))).toBe(NAME_KEY_MAX_LENGTH);
    expect(keys).toContain('abcdefghijkl');
    expect(keys).toContain('opqrstuvwxyz');
    expect(keys).not.toContain('abcdefghijklm');
    expect(keys.length).toBeLessThanOrEqual(NAME_KEY_MAX_LENGTH * word.length);
  });

  it('counts letters as code points, never splitting one', () => {
    expect(nameSearchKeys(['a𝔸b'])).toEqual(expect.arrayContaining(['𝔸', 'a𝔸', '𝔸b', 'a𝔸b']));
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    expect(nameSearchKeys(['a𝔸b']).filter((key) => loneSurrogate.test(key))).toEqual([]);
  });

  it('has no keys without names', () => {
    expect(nameSearchKeys([])).toEqual([]);
    expect(nameSearchKeys([undefined, '', '  '])).toEqual([]);
  });
});

describe('nameQueryKeys', () => {
  it('looks a single word up by its normalised form alone', () => {
    expect(nameQueryKeys(' ЁЛКИН ')).toEqual({ keys: ['елкин'], decisive: true, fragment: 'елкин' });
    expect(nameQueryKeys('Żółkiewski')).toEqual({ keys: ['zolkiewski'], decisive: true, fragment: 'zolkiewski' });
  });

  it('gives one key per word, longest first, and leaves several words to the exact comparison', () => {
    expect(nameQueryKeys('Anna  Kowalska')).toEqual({ keys: ['kowalska', 'anna'], decisive: false, fragment: 'anna kowalska' });
    expect(nameQueryKeys('nowak nowak')).toEqual({ keys: ['nowak'], decisive: false, fragment: 'nowak nowak' });
  });

  it('looks a word longer than 12 characters up by its first 12, and leaves the rest to the exact comparison', () => {
    expect(nameQueryKeys('Konstantynopolitańczykowa')).toEqual({ keys: ['konstantynop'], decisive: false, fragment: 'konstantynopolitanczykowa' });
    expect(nameQueryKeys('Abcdefghijkl')).toMatchObject({ keys: ['abcdefghijkl'], decisive: true });
  });

  it('has no keys for a fragment of only spaces', () => {
    expect(nameQueryKeys('   ')).toEqual({ keys: [], decisive: false, fragment: '' });
  });

  it('finds a typed word among the keys of a name exactly when the old substring search did', () => {
    const names = ['Мария', 'Ёлкина', 'Łukasz', 'Żółkiewski', 'Anna', 'Nowak-Kowalska'];
    const keys = new Set(nameSearchKeys(names));
    const joined = searchableText(names.join(' '));
    for (const typed of ['ария', 'ёлк', 'lukasz', 'zolkiew', 'nna', 'kowal', '-kow', 'k-k', 'ak-', 'x', 'anna nowak', 'wak-kowal']) {
      const query = nameQueryKeys(typed);
      const byKeys = query.keys.every((key) => keys.has(key));
      if (query.decisive) expect([typed, byKeys]).toEqual([typed, joined.includes(query.fragment)]);
      // The keys never miss a match: they only narrow the candidates of the exact comparison.
      if (joined.includes(query.fragment)) expect([typed, byKeys]).toEqual([typed, true]);
    }
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
