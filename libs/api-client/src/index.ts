export * from './lib/api-clients';
export type * as ClientsService from './lib/generated/clients-service';
export type * as VisitsService from './lib/generated/visits-service';
export type * as MediaService from './lib/generated/media-service';
export type * as ConsentService from './lib/generated/consent-service';
