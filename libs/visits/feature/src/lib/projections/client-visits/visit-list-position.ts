import type { CursorCodec } from '@salon/shared/crypto';

export type VisitSort = 'date' | 'dateAsc';
export const VISIT_SORTS: readonly VisitSort[] = ['date', 'dateAsc'];

/** Where a page ended: the start of its last visit, the visit id breaking ties. */
export interface VisitListPosition {
  readonly sort: VisitSort;
  readonly startsAt: Date;
  readonly id: string;
}

/** The visit list's cursor, sealed by the product's one cursor codec. */
export function encodeVisitCursor(cursors: CursorCodec, position: VisitListPosition): string {
  return cursors.encode(position.sort, [position.startsAt.toISOString(), position.id]);
}

/** Reads a cursor given for `sort`, or throws DomainError 'invalid-cursor' naming the field `cursor`. */
export function decodeVisitCursor(cursors: CursorCodec, cursor: string, sort: VisitSort): VisitListPosition {
  return cursors.decode(cursor, sort, (values) => positionOf(sort, values));
}

/** The position of the key values a cursor carries, or undefined when they are not [ISO start, id]. */
function positionOf(sort: VisitSort, values: readonly unknown[]): VisitListPosition | undefined {
  const [startsAt, id] = values;
  if (values.length !== 2 || typeof startsAt !== 'string' || typeof id !== 'string' || id === '') return undefined;
  const date = new Date(startsAt);
  return !Number.isNaN(date.getTime()) && date.toISOString() === startsAt ? { sort, startsAt: date, id } : undefined;
}
