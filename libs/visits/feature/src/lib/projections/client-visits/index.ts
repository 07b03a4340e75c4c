export * from './search-key';
export * from './client-visit.document';
export * from './client-visit.view';
export * from './client-visits.projection';
export * from './client-visit.queries';
export { VISIT_SORTS, encodeVisitCursor, decodeVisitCursor } from './visit-list-position';
export type { VisitSort, VisitListPosition } from './visit-list-position';
