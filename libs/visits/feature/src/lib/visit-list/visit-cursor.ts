import { DomainError } from '@salon/shared/ddd';

export type VisitSort = 'date' | 'dateAsc';
export const VISIT_SORTS: readonly VisitSort[] = ['date', 'dateAsc'];

/** Where a page ended: the start of its last visit, the visit id breaking ties. */
export interface VisitListPosition {
  readonly sort: VisitSort;
  readonly startsAt: Date;
  readonly id: string;
}

interface CursorBody {
  s: VisitSort;
  k: [string, string];
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAX_CURSOR_LENGTH = 1024;

/** Opaque to clients: base64url of the sort values. */
export function encodeVisitCursor(position: VisitListPosition): string {
  const body: CursorBody = { s: position.sort, k: [position.startsAt.toISOString(), position.id] };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** Reads a cursor given for `sort`, or throws DomainError 'invalid' naming the field `cursor`. */
export function decodeVisitCursor(cursor: string, sort: VisitSort): VisitListPosition {
  if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) throw invalidCursor();
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!isCursorBody(body)) throw invalidCursor();
  if (body.s !== sort) {
    throw DomainError.invalid('invalid-cursor', `The cursor belongs to a list sorted by ${body.s}, not by ${sort}`, { field: 'cursor' });
  }
  return { sort, startsAt: new Date(body.k[0]), id: body.k[1] };
}

function isCursorBody(body: unknown): body is CursorBody {
  if (typeof body !== 'object' || body === null) return false;
  const { s, k } = body as { s?: unknown; k?: unknown };
  if (!VISIT_SORTS.includes(s as VisitSort)) return false;
  if (!Array.isArray(k) || k.length !== 2 || typeof k[0] !== 'string' || typeof k[1] !== 'string' || k[1] === '') return false;
  const date = new Date(k[0]);
  return !Number.isNaN(date.getTime()) && date.toISOString() === k[0];
}

function invalidCursor(): DomainError {
  return DomainError.invalid('invalid-cursor', 'The cursor is not one this API returned', { field: 'cursor' });
}
