import { clientsServiceApi, consentServiceApi, mediaServiceApi, visitsServiceApi } from '@salon/api-client';
import type { ClientsService, ConsentService, VisitsService } from '@salon/api-client';

/**
 * The services through the typed client of libs/api-client, at the console server's same-origin
 * proxy (/api/<service>/…): every path, parameter and body below is checked against the
 * services' OpenAPI documents by the compiler.
 */
export function apis(token: string) {
  const options = (service: string) => ({ baseUrl: `${window.location.origin}/api/${service}`, headers: { Authorization: `Bearer ${token}` } });
  return {
    clients: clientsServiceApi(options('clients')),
    visits: visitsServiceApi(options('visits')),
    media: mediaServiceApi(options('media')),
    consent: consentServiceApi(options('consent')),
  };
}
export type Apis = ReturnType<typeof apis>;

export type ClientCard = ClientsService.operations['GetClientProfileController_get']['responses'][200]['content']['application/json'];
export type ClientListItem = ClientsService.operations['SearchClientsController_search']['responses'][200]['content']['application/json']['items'][number];
export type VisitListItem = VisitsService.operations['ListClientVisitsController_list']['responses'][200]['content']['application/json']['items'][number];
export type VisitStatus = VisitListItem['status'];
export type ConsentView = ConsentService.operations['GetConsentController_get']['responses'][200]['content']['application/json'];
export type Permission = ConsentService.operations['SetConsentController_set']['parameters']['path']['permission'];

/** The one error body every service answers (ErrorResponse): a code and the fields at fault. */
export interface ApiProblem {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly fields: readonly { readonly field: string; readonly reason: string }[];
  readonly details: Readonly<Record<string, unknown>>;
}

export function problemOf(status: number, body: unknown): ApiProblem {
  const value = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const fields = Array.isArray(value['errors']) ? (value['errors'] as { field: string; reason: string }[]) : [];
  return {
    status,
    code: typeof value['error'] === 'string' ? value['error'] : String(status),
    message: typeof value['message'] === 'string' ? value['message'] : '',
    fields,
    details: value,
  };
}

/** The API's words for `field` (a body field, a dotted path under it, or a header), if it named it. */
export function problemFor(problem: ApiProblem | undefined, ...fields: string[]): ApiProblem['fields'][number] | undefined {
  return problem?.fields.find((entry) => fields.some((field) => entry.field === field || entry.field.startsWith(`${field}.`)));
}

/** An If-Match value from a revision the API gave (its ETag is the quoted revision). */
export const ifMatch = (revision: string) => `"${revision}"`;

/** A fresh Idempotency-Key per write: a retry by the browser itself records nothing twice. */
export const idempotencyKey = () => crypto.randomUUID();
