import { randomInt, randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { salonLocalTime } from '@salon/shared/testing';
import type { Route } from './routes';

/**
 * How the suite calls each route: the values of its parameters and, for a route that takes a
 * body, a body it would accept. A route with a parameter or a body the suite does not know fails
 * the suite, naming what to add here.
 */

/** The records a request points at: the home chain's, or ones that exist nowhere. */
export interface Records {
  readonly clientId: string;
  readonly visitId: string;
  readonly visitNumber: number;
  readonly phone: string;
  readonly salonId: string;
  /** A retention run of the home chain (GET /retention-policy/runs/{runId}). */
  readonly runId: string;
  /** A client import job of the home chain (GET /clients/imports/{jobId}). */
  readonly jobId: string;
  /** A data package request of the home chain's client (GET /clients/{clientId}/data-export/{requestId}). */
  readonly requestId: string;
  /** An erased client of the home chain (GET /clients/{clientId}/erasure: an active one has no certificate). */
  readonly erasedClientId: string;
}

/** Fresh every call: ids no chain has, a visit number above any allocated, a phone nobody registered (the home one is +48 601 900 001). */
export function recordsNobodyHas(salonId: string): Records {
  const digits = randomInt(0, 10_000);
  return { clientId: randomUUID(), visitId: randomUUID(), visitNumber: 900_000_000 + digits, phone: `+4860199${String(digits).padStart(4, '0')}`, salonId, runId: randomUUID(), jobId: randomUUID(), requestId: randomUUID(), erasedClientId: randomUUID() };
}

const upcoming = { start: salonLocalTime(7, '10:00'), end: salonLocalTime(7, '11:00') };
const haircut = { serviceId: 'svc-cut', name: 'Haircut', price: 40, durationMinutes: 60, specialistId: 'staff-anna', specialistName: 'Anna Nowak' };

export const booking = (records: Records) => ({
  clientId: records.clientId,
  salonId: records.salonId,
  startsAt: upcoming.start.local,
  endsAt: upcoming.end.local,
  services: [haircut],
});

/** A body each write route accepts, keyed by the route's label. */
const BODIES: Readonly<Record<string, (records: Records) => Record<string, unknown>>> = {
  // Every registration the suite sends is refused (401, 403, 400): one number does for all.
  'POST /clients': () => ({ phone: '+48601900002', firstName: 'Ada' }),
  'PUT /clients/{clientId}': (records) => ({ phone: records.phone, firstName: 'Ada' }),
  'PUT /clients/{clientId}/discounts': () => ({ productDiscountPercent: 5, serviceDiscountPercent: 5 }),
  // With evidence (of a signature yesterday) naming where it was collected: a salon rule checks it.
  'PUT /clients/{clientId}/consent/{permission}': (records) => ({
    granted: false,
    source: 'front-desk',
    evidence: { documentRef: 'form-1', signedAt: salonLocalTime(-1, '10:00').local, collectedBy: 'staff-anna', salonId: records.salonId },
  }),
  'POST /clients/{clientId}/consent/marketing/withdrawal': () => ({ source: 'front-desk' }),
  'POST /visits': booking,
  'POST /visits/{visitId}/cancel': () => ({ by: 'client', late: false }),
  'PUT /visits/{visitId}/schedule': () => ({ startsAt: upcoming.start.local, endsAt: upcoming.end.local }),
  'PUT /visits/{visitId}/services': () => ({ services: [haircut], discount: 0 }),
  'POST /visits/{visitId}/payments': () => ({ amount: 1 }),
  // The media service's call, naming a photo it stored (any UUID: the clients service keeps the reference only).
  'PUT /clients/{clientId}/photo-reference': () => ({ photoRef: '00000000-0000-4000-8000-000000000013' }),
  // Every category off: a policy the suite may save in the home chain without touching its client.
  'PUT /retention-policy': () => ({ eraseClientsAfterYearsWithoutVisit: null, dropPhotosAfterMonthsWithoutVisit: null, dropCommentsAfterYearsWithoutVisit: null }),
  'PUT /clients/{clientId}/legal-hold': () => ({ reason: 'litigation' }),
  // The package's language is optional (the deployment's default): the request may have no field at all.
  'POST /clients/{clientId}/data-export': () => ({ language: 'en' }),
  'PUT /clients/imports/{jobId}/mapping': () => ({ mapping: [{ column: 0, field: 'phone' }] }),
  'POST /clients/imports/{jobId}/dry-run': () => ({ existingClients: 'skip' }),
  'POST /clients/imports/{jobId}/run': () => ({ existingClients: 'skip' }),
};

/** A 16 × 16 JPEG: what a photo upload sends (its body is the image itself, not JSON). */
const SMALL_JPEG = Buffer.from(
  '/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAQABADASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAH/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAAAwb/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCgBQD/2Q==',
  'base64',
);

/** The routes whose body is not JSON: what they are sent, with its Content-Type. */
export const RAW_BODIES: Readonly<Record<string, { readonly contentType: string; readonly bytes: Buffer }>> = {
  'PUT /clients/{clientId}/photo': { contentType: 'image/jpeg', bytes: SMALL_JPEG },
  // A client spreadsheet of one row (the import's upload takes the file itself).
  'POST /clients/imports': { contentType: 'text/csv', bytes: Buffer.from('Telefon,Imię\r\n+48601900004,Ada\r\n') },
};

/** Headers a route needs to get past its preconditions to the records (an explicit save's If-Match). */
const HEADERS: Readonly<Record<string, Record<string, string>>> = {
  'PUT /clients/{clientId}': { 'If-Match': '"0"' },
};

/** Path and query parameters, by name (a required one the suite does not know fails it). */
const PARAMETERS: Readonly<Record<string, (records: Records) => string | number>> = {
  clientId: (records) => records.clientId,
  visitId: (records) => records.visitId,
  number: (records) => records.visitNumber,
  permission: () => 'notifications',
  purpose: () => 'reminders',
  channel: () => 'sms',
  runId: (records) => records.runId,
  requestId: (records) => records.requestId,
  jobId: (records) => records.jobId,
};

/** Path parameters a route takes from other records than the one of its name (a route that needs the client erased). */
const ROUTE_PARAMETERS: Readonly<Record<string, Readonly<Record<string, (records: Records) => string>>>> = {
  'GET /clients/{clientId}/erasure': { clientId: (records) => records.erasedClientId },
};

/** Optional query parameters a route is called with, so that a search looks for the records. */
const QUERIES: Readonly<Record<string, (records: Records) => Record<string, string | number>>> = {
  'GET /clients': (records) => ({ phone: records.phone }),
};

export interface RouteRequest {
  readonly method: Route['method'];
  readonly path: string;
  readonly query: Record<string, string | number>;
  readonly headers: Record<string, string>;
  readonly body?: Record<string, unknown>;
  readonly rawBody?: { readonly contentType: string; readonly bytes: Buffer };
}

/** What the suite cannot call, as sentences naming what to add to this file. */
export function missingFixtures(route: Route): string[] {
  const missing: string[] = [];
  for (const name of [...route.pathParameters, ...route.queryParameters.filter((p) => p.required).map((p) => p.name)]) {
    if (!PARAMETERS[name]) missing.push(`${route.label}: no value for the parameter "${name}" (PARAMETERS in tools/security/route-requests.ts)`);
  }
  if (route.hasBody && !BODIES[route.label] && !RAW_BODIES[route.label]) missing.push(`${route.label}: no body it accepts (BODIES in tools/security/route-requests.ts)`);
  return missing;
}

export function requestFor(route: Route, records: Records, changes: { body?: Record<string, unknown>; headers?: Record<string, string> } = {}): RouteRequest {
  const valueOf = (name: string) => (ROUTE_PARAMETERS[route.label]?.[name] ?? PARAMETERS[name])(records);
  const path = route.pathParameters.reduce((filled, name) => filled.replace(`{${name}}`, encodeURIComponent(String(valueOf(name)))), route.path);
  // Every query parameter the suite knows by name, required or not (GET /visits takes `number`).
  const known = route.queryParameters.filter((parameter) => PARAMETERS[parameter.name]);
  const query = {
    ...Object.fromEntries(known.map((parameter) => [parameter.name, PARAMETERS[parameter.name](records)])),
    ...QUERIES[route.label]?.(records),
  };
  const rawBody = RAW_BODIES[route.label];
  const body = route.hasBody && !rawBody ? { ...BODIES[route.label](records), ...changes.body } : undefined;
  return { method: route.method, path, query, headers: { ...HEADERS[route.label], ...changes.headers }, body, rawBody };
}

/** Whether the request refers to the records at all (else another chain's records cannot be asked for). */
export function refersToRecords(route: Route): boolean {
  const one: Records = { clientId: randomUUID(), visitId: randomUUID(), visitNumber: 1, phone: '+48601000001', salonId: 's', runId: randomUUID(), jobId: randomUUID(), requestId: randomUUID(), erasedClientId: randomUUID() };
  const other: Records = { clientId: randomUUID(), visitId: randomUUID(), visitNumber: 2, phone: '+48601000002', salonId: 's', runId: randomUUID(), jobId: randomUUID(), requestId: randomUUID(), erasedClientId: randomUUID() };
  return JSON.stringify(requestFor(route, one)) !== JSON.stringify(requestFor(route, other));
}

export function send(http: TestAgent<Test>, call: RouteRequest, authorization: string | undefined): Test {
  let test = http[call.method](call.path).query(call.query);
  for (const [name, value] of Object.entries(call.headers)) test = test.set(name, value);
  if (authorization !== undefined) test = test.set('Authorization', authorization);
  if (call.rawBody) return test.set('Content-Type', call.rawBody.contentType).send(call.rawBody.bytes);
  return call.body ? test.send(call.body) : test;
}
