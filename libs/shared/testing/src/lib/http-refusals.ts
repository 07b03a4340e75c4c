import { gzipSync } from 'node:zlib';

/**
 * Requests whose body no service can read, and the refusal every service gives them (the body
 * parsers are shared: @salon/shared/nest `useBodyParsers`). Each service's API test sends them to
 * one of its own write routes.
 */
export interface BodyRefusalCase {
  readonly name: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
  readonly status: number;
  readonly error: string;
  readonly field: string;
}

/** A JSON object of about `bytes` bytes (one long string member). */
export function jsonOfSize(bytes: number): string {
  return JSON.stringify({ comment: 'x'.repeat(bytes) });
}

export const BODY_REFUSAL_CASES: readonly BodyRefusalCase[] = [
  {
    name: 'a 200 kB JSON body',
    headers: { 'content-type': 'application/json' },
    body: jsonOfSize(200 * 1024),
    status: 413,
    error: 'payload-too-large',
    field: 'body',
  },
  {
    name: 'a charset other than UTF-8',
    headers: { 'content-type': 'application/json; charset=latin1' },
    body: '{}',
    status: 415,
    error: 'unsupported-charset',
    field: 'Content-Type',
  },
  {
    name: 'an unknown charset',
    headers: { 'content-type': 'application/json; charset=klingon' },
    body: '{}',
    status: 415,
    error: 'unsupported-charset',
    field: 'Content-Type',
  },
  {
    name: 'an unsupported content encoding',
    headers: { 'content-type': 'application/json', 'content-encoding': 'x-squeeze' },
    body: '{}',
    status: 415,
    error: 'unsupported-content-encoding',
    field: 'Content-Encoding',
  },
  {
    name: 'a gzip body that is no gzip',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: Buffer.from('this was never compressed'),
    status: 400,
    error: 'unreadable-body',
    field: 'body',
  },
  {
    name: 'a gzip bomb over the limit once inflated',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: gzipSync(jsonOfSize(1024 * 1024)),
    status: 413,
    error: 'payload-too-large',
    field: 'body',
  },
  {
    name: 'malformed JSON (never quoted back)',
    headers: { 'content-type': 'application/json' },
    body: '{"phone": +48 601 000 011, "firstName": "Anna"',
    status: 400,
    error: 'malformed-json',
    field: 'body',
  },
  { name: 'a null body', headers: { 'content-type': 'application/json' }, body: 'null', status: 400, error: 'malformed-json', field: 'body' },
  { name: 'a bare number', headers: { 'content-type': 'application/json' }, body: '1e308', status: 400, error: 'malformed-json', field: 'body' },
  { name: 'a bare string', headers: { 'content-type': 'application/json' }, body: '"NaN"', status: 400, error: 'malformed-json', field: 'body' },
];

export interface RawResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
}

/**
 * Sends bytes exactly as given (supertest would turn a Buffer sent as JSON into JSON of the
 * Buffer) to a listening server, e.g. `await app.getUrl()`.
 */
export async function sendRaw(
  baseUrl: string,
  request: { method: string; path: string; headers: Readonly<Record<string, string>>; body: string | Buffer },
): Promise<RawResponse> {
  const response = await fetch(new URL(request.path, baseUrl), { method: request.method, headers: request.headers, body: request.body });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, headers: Object.fromEntries(response.headers.entries()) };
}

/** The standard error body of README "Errors": status, code, message, the fields, the correlation id. */
export function expectStandardError(
  response: { status: number; body: unknown; headers: Record<string, string> },
  status: number,
  error?: string,
  field?: string,
): void {
  const body = response.body as Record<string, unknown>;
  expect({ status: response.status, body }).toEqual({
    status,
    body: expect.objectContaining({
      statusCode: status,
      error: error ?? expect.any(String),
      message: expect.any(String),
      errors: expect.arrayContaining([expect.objectContaining({ field: field ?? expect.any(String), reason: expect.any(String) })]),
      correlationId: response.headers['x-correlation-id'],
    }),
  });
}
