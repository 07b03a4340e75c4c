const COMBINING_MARK = /\p{M}/gu;

/**
 * The form service and specialist names are searched in: lower case, accents dropped (NFD, then
 * the combining marks removed), Polish ł mapped to l by hand (it has no decomposition), runs of
 * whitespace collapsed. "Łucja Żółć" and "lucja zolc" both become "lucja zolc".
 * Queries are normalised the same way, so a fragment matches a stored key as a substring.
 */
export function searchKey(value: string): string {
  return value
    .toLowerCase()
    .replace(/ł/g, 'l')
    .normalize('NFD')
    .replace(COMBINING_MARK, '')
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The distinct non-empty keys of some names, sorted (so documents do not depend on input order). */
export function searchKeys(values: readonly string[]): string[] {
  return [...new Set(values.map(searchKey).filter((key) => key !== ''))].sort();
}
