export * from './lib/relay/visit-integration-events';
export * from './lib/visits-feature.module';
export * from './lib/projections/client-visits';
export * from './lib/projections/bi';
export * from './lib/list-client-visits/list-client-visits.request.dto';
export * from './lib/list-client-visits/list-client-visits.http.controller';
