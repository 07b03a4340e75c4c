import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

const COMBINING_MARK = /\p{M}/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const COMBINING_BREVE = '\u0306';
const COMBINING_DIAERESIS = '\u0308';

/**
 * The form of a name (or any text) that search indexes and queries are compared in: lower case,
 * without accents, whitespace collapsed. "Łukasz Żółć" and "lukasz zolc" match; so do "Семён" and
 * "семен".
 *
 * Accents are split off (NFD) and dropped, with two exceptions:
 *  - 'ł' has no decomposition (it is a letter of its own in Unicode), so it is mapped to 'l' by hand;
 *  - in Cyrillic, й and ў (breve) and ї (diaeresis) are letters, not accented letters, and stay. Only
 *    ё becomes е, because Russian writing uses е for ё more often than not.
 */
export function searchableText(value: string): string {
  const decomposed = value.toLowerCase().replace(/ł/g, 'l').normalize('NFD');
  let result = '';
  let base = '';
  for (const character of decomposed) {
    if (!COMBINING_MARK.test(character)) {
      base = character;
      result += character;
    } else if (isPartOfCyrillicLetter(base, character)) {
      result += character;
    }
  }
  return result.normalize('NFC').replace(/\s+/g, ' ').trim();
}

function isPartOfCyrillicLetter(base: string, mark: string): boolean {
  if (!CYRILLIC.test(base)) return false;
  if (mark === COMBINING_BREVE) return true; // й, ў
  if (mark === COMBINING_DIAERESIS) return base !== 'е'; // ї, ӧ stay; ё becomes е
  return false; // stress marks and the like
}

/**
 * The longest name key. A typed word longer than this is looked up by its first
 * NAME_KEY_MAX_LENGTH characters and then compared whole (see nameQueryKeys).
 */
export const NAME_KEY_MAX_LENGTH = 12;

/**
 * The keys a client is found by when any part of a name is typed, so the search is an equality
 * on an index rather than a scan: for every word of the names (in searchableText form), the
 * prefixes of up to NAME_KEY_MAX_LENGTH characters of each of its suffixes, i.e. its fragments
 * ("anna" → a, an, ann, anna, n, nn, nna, na). A typed word is part of a word of the name exactly
 * when its key (nameQueryKeys) is one of these, which keeps the search's "any part of a name"
 * ("ария" finds "Мария"). Characters are counted as code points. About 10 to 80 keys per word of
 * 4 to 12 letters; at most 12 per letter of a longer one.
 */
export function nameSearchKeys(names: readonly (string | undefined)[]): string[] {
  const keys = new Set<string>();
  for (const name of names) {
    for (const word of wordsOf(searchableText(name ?? ''))) {
      const letters = Array.from(word);
      for (let start = 0; start < letters.length; start++) {
        let key = '';
        for (let end = start; end < Math.min(letters.length, start + NAME_KEY_MAX_LENGTH); end++) {
          key += letters[end];
          keys.add(key);
        }
      }
    }
  }
  return [...keys];
}

/** What a typed name fragment is looked up by. */
export interface NameQueryKeys {
  /** One per word (its first NAME_KEY_MAX_LENGTH characters), longest first; empty for a fragment of only spaces and marks. */
  readonly keys: readonly string[];
  /**
   * True when a card having every key is a match: one word of at most NAME_KEY_MAX_LENGTH
   * characters. Otherwise the keys only narrow the candidates, and the normalised fragment must
   * still be found whole in one of the name's orders (several words, in the order typed, or a
   * longer word).
   */
  readonly decisive: boolean;
  /** The fragment in searchableText form. */
  readonly fragment: string;
}

/** The keys of a typed name fragment, normalised the way nameSearchKeys normalises the names. */
export function nameQueryKeys(text: string): NameQueryKeys {
  const fragment = searchableText(text);
  const words = wordsOf(fragment);
  const keys = [...new Set(words.map((word) => Array.from(word).slice(0, NAME_KEY_MAX_LENGTH).join('')))].sort((a, b) => Array.from(b).length - Array.from(a).length);
  const decisive = words.length === 1 && Array.from(words[0]).length <= NAME_KEY_MAX_LENGTH;
  return { keys, decisive, fragment };
}

/** The words of a text already in searchableText form (single spaces, trimmed). */
function wordsOf(normalised: string): string[] {
  return normalised === '' ? [] : normalised.split(' ');
}

/**
 * The digit strings a stored phone is found by, whatever format the user types: the E.164 digits
 * (`48601234567`, for "+48 601..." or "0048 601..."), the national significant number (`601234567`)
 * and, where the country dials a national prefix, the national form (`89123456789` for
 * "8 (912) 345-67-89"). A search strips the typed query to its digits and matches any key by
 * prefix or substring.
 */
export function phoneSearchKeys(e164: string): string[] {
  const keys = [digitsOf(e164)];
  const parsed = parsePhoneNumberFromString(e164);
  if (parsed) keys.push(parsed.nationalNumber, digitsOf(parsed.formatNational()));
  return [...new Set(keys.filter((key) => key !== ''))];
}

function digitsOf(value: string): string {
  return value.replace(/\D/g, '');
}
