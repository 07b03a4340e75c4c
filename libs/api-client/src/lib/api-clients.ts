import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { paths as ClientsServicePaths } from './generated/clients-service';
import type { paths as ConsentServicePaths } from './generated/consent-service';
import type { paths as MediaServicePaths } from './generated/media-service';
import type { paths as VisitsServicePaths } from './generated/visits-service';

export type { ClientsServicePaths, ConsentServicePaths, MediaServicePaths, VisitsServicePaths };

/**
 * Typed clients of the four services (openapi-fetch over the types openapi-typescript generates
 * from docs/api/<service>.openapi.json): a path, a parameter, a body or an answer that the
 * document does not have does not compile. `baseUrl` is the service's address; pass the bearer
 * token in `headers` (or per call).
 */
export type ClientsServiceApi = Client<ClientsServicePaths>;
export type VisitsServiceApi = Client<VisitsServicePaths>;
export type MediaServiceApi = Client<MediaServicePaths>;
export type ConsentServiceApi = Client<ConsentServicePaths>;

export function clientsServiceApi(options: ClientOptions): ClientsServiceApi {
  return createClient<ClientsServicePaths>(options);
}

export function visitsServiceApi(options: ClientOptions): VisitsServiceApi {
  return createClient<VisitsServicePaths>(options);
}

export function mediaServiceApi(options: ClientOptions): MediaServiceApi {
  return createClient<MediaServicePaths>(options);
}

export function consentServiceApi(options: ClientOptions): ConsentServiceApi {
  return createClient<ConsentServicePaths>(options);
}
