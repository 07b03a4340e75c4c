import type { CursorCodec, CursorValue } from '@salon/shared/crypto';

export type ClientSort = 'name' | 'lastVisit';
export const CLIENT_SORTS: readonly ClientSort[] = ['name', 'lastVisit'];

/** Where a page ended: the sort values of its last item, `id` breaking ties. */
export type SearchPosition =
  | { readonly sort: 'name'; readonly sortName: string; readonly id: string }
  | { readonly sort: 'lastVisit'; readonly lastVisitAt: Date | null; readonly id: string };

/**
 * The search's cursor. The sort name is the client's normalised name, personal data: the codec
 * seals it, so the cursor in a URL or an access log shows nothing of it.
 */
export function encodeSearchCursor(cursors: CursorCodec, position: SearchPosition): string {
  return cursors.encode(position.sort, keyValuesOf(position));
}

/** Reads a cursor given for `sort`, or throws DomainError 'invalid-cursor' naming the field `cursor`. */
export function decodeSearchCursor(cursors: CursorCodec, cursor: string, sort: ClientSort): SearchPosition {
  return cursors.decode(cursor, sort, (values) => positionOf(sort, values));
}

function keyValuesOf(position: SearchPosition): CursorValue[] {
  if (position.sort === 'name') return [position.sortName, position.id];
  return [position.lastVisitAt?.toISOString() ?? null, position.id];
}

/** The position of the key values a cursor of `sort` carries, or undefined when they are not of its shape. */
function positionOf(sort: ClientSort, values: readonly unknown[]): SearchPosition | undefined {
  const [value, id] = values;
  if (values.length !== 2 || typeof id !== 'string' || id === '') return undefined;
  if (sort === 'name') return typeof value === 'string' ? { sort, sortName: value, id } : undefined;
  if (value === null) return { sort, lastVisitAt: null, id };
  return typeof value === 'string' && isIsoTimestamp(value) ? { sort, lastVisitAt: new Date(value), id } : undefined;
}

function isIsoTimestamp(value: string): boolean {
  const date = new Date(value);
  return !Number.isNaN(date.getTime()) && date.toISOString() === value;
}
