/**
 * The personal values of one client that the erasure verifier looks for, by kind (phone, e-mail,
 * last name, ...). They come from a JSON file or stdin, never from argv or the environment (both
 * show in process lists and logs), and they are never printed: reports name the kind only.
 *
 * The JSON: `{ "clientId": "…", "values": { "phone": ["+48601234567", "601 234 567"], "email": "…" } }`
 * (`clientId` is optional and not personal: it names the client's objects in the photo bucket).
 */
export interface PersonalValues {
  readonly clientId?: string;
  /** Kind → the values of that kind (as typed; the scan adds the case and encoding variants). */
  readonly values: ReadonlyMap<string, readonly string[]>;
}

/** Shorter values would be found in unrelated bytes everywhere (and say little about a person). */
export const MIN_VALUE_LENGTH = 4;
const KIND = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export class PersonalValuesError extends Error {}

/** Parses the verifier's input; the messages name the field and never quote a value. */
export function parsePersonalValues(json: string): PersonalValues {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new PersonalValuesError('the personal values are not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new PersonalValuesError('the personal values are a JSON object { "clientId"?, "values": { kind: value | [values] } }');
  }
  const { clientId, values } = parsed as Record<string, unknown>;
  if (clientId !== undefined && (typeof clientId !== 'string' || !CLIENT_ID.test(clientId))) {
    throw new PersonalValuesError('"clientId" is an id of letters, digits, ".", "_", ":" or "-"');
  }
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw new PersonalValuesError('"values" is an object of kind → value or list of values');
  }
  const byKind = new Map<string, string[]>();
  for (const [kind, given] of Object.entries(values as Record<string, unknown>)) {
    if (!KIND.test(kind)) throw new PersonalValuesError(`values: the kind "${kind.slice(0, 40)}" is not a name of letters and digits`);
    const list = Array.isArray(given) ? given : [given];
    const kept: string[] = [];
    for (const [index, value] of list.entries()) {
      if (value === null || value === undefined || value === '') continue;
      if (typeof value !== 'string') throw new PersonalValuesError(`values.${kind}[${index}] is not text`);
      const trimmed = value.trim();
      if (trimmed.length < MIN_VALUE_LENGTH) {
        throw new PersonalValuesError(`values.${kind}[${index}] is shorter than ${MIN_VALUE_LENGTH} characters: it would match unrelated bytes`);
      }
      kept.push(trimmed);
    }
    if (kept.length > 0) byKind.set(kind, kept);
  }
  if (byKind.size === 0) throw new PersonalValuesError('"values" names no value to look for');
  return { ...(typeof clientId === 'string' ? { clientId } : {}), values: byKind };
}

/**
 * The spellings one value may be stored in: as typed, lower case, upper case, capitalised words;
 * a phone number in E.164 also without its "+". The byte scan folds ASCII case itself, so these
 * matter for letters outside ASCII (Cyrillic, Polish).
 */
export function spellingsOf(kind: string, value: string): string[] {
  const spellings = new Set([value, value.toLowerCase(), value.toUpperCase(), capitalised(value)]);
  if (/phone/i.test(kind) && /^\+\d{6,15}$/.test(value)) spellings.add(value.slice(1));
  return [...spellings];
}

function capitalised(value: string): string {
  return value.toLowerCase().replace(/(^|[\s-])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
}
