import { DomainError } from '@salon/shared/ddd';

export type ClientSort = 'name' | 'lastVisit';
export const CLIENT_SORTS: readonly ClientSort[] = ['name', 'lastVisit'];

/** Where a page ended: the sort values of its last item, `id` breaking ties. */
export type SearchPosition =
  | { readonly sort: 'name'; readonly sortName: string; readonly id: string }
  | { readonly sort: 'lastVisit'; readonly lastVisitAt: Date | null; readonly id: string };

type CursorBody = { s: 'name'; k: [string, string] } | { s: 'lastVisit'; k: [string | null, string] };

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Far above any real cursor (a name of 300 characters and an id); refuses pasted garbage early. */
const MAX_CURSOR_LENGTH = 2048;

/** Opaque to clients: base64url of the sort values, so nothing about its form is promised. */
export function encodeCursor(position: SearchPosition): string {
  const body: CursorBody =
    position.sort === 'name'
      ? { s: 'name', k: [position.sortName, position.id] }
      : { s: 'lastVisit', k: [position.lastVisitAt?.toISOString() ?? null, position.id] };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** Reads a cursor given for `sort`, or throws DomainError 'invalid' naming the field `cursor`. */
export function decodeCursor(cursor: string, sort: ClientSort): SearchPosition {
  const body = parseBody(cursor);
  if (body.s !== sort) throw invalidCursor(`The cursor belongs to a list sorted by ${body.s}, not by ${sort}`);
  const [value, id] = body.k;
  if (body.s === 'name') return { sort: 'name', sortName: value as string, id };
  return { sort: 'lastVisit', lastVisitAt: value === null ? null : new Date(value), id };
}

function parseBody(cursor: string): CursorBody {
  if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) {
    throw invalidCursor('The cursor is not one this API returned');
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor('The cursor is not one this API returned');
  }
  if (!isCursorBody(body)) throw invalidCursor('The cursor is not one this API returned');
  return body;
}

function isCursorBody(body: unknown): body is CursorBody {
  if (typeof body !== 'object' || body === null) return false;
  const { s, k } = body as { s?: unknown; k?: unknown };
  if (!Array.isArray(k) || k.length !== 2 || typeof k[1] !== 'string' || k[1] === '') return false;
  if (s === 'name') return typeof k[0] === 'string';
  if (s === 'lastVisit') return k[0] === null || (typeof k[0] === 'string' && isIsoTimestamp(k[0]));
  return false;
}

function isIsoTimestamp(value: string): boolean {
  const date = new Date(value);
  return !Number.isNaN(date.getTime()) && date.toISOString() === value;
}

function invalidCursor(reason: string): DomainError {
  return DomainError.invalid('invalid-cursor', reason, { field: 'cursor' });
}
