export * from './search-key';
export * from './client-visit.document';
export * from './client-visit.view';
export * from './client-visits.projection';
export * from './client-visit.queries';
export { VISIT_SORTS, encodeVisitCursor, decodeVisitCursor } from './visit-cursor';
export type { VisitSort, VisitListPosition } from './visit-cursor';
export * from './list-client-visits.request.dto';
export * from './list-client-visits.http.controller';
