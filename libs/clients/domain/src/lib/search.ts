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
