import { DomainError } from '@salon/shared/ddd';
import { EventSerialisationError, EventStoreUnavailableError, StreamDeletedError, WrongExpectedRevisionError } from '@salon/shared/event-store';
import { UndecodableMessageError } from './integration-message';

/**
 * What a consumer does with a message whose handling failed:
 * - `transient`: the same message would succeed later (a server unreachable, a concurrent append):
 *   retry it, with back-off, and never give up on it;
 * - `permanent`: it will fail however often it is tried (bad bytes, data the code cannot handle,
 *   a rule that refuses it): send it to the dead letters and go on with the next one.
 */
export type FailureKind = 'transient' | 'permanent';

/** Network error codes of Node (and undici, under fetch) that say "the server could not be reached". */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

/**
 * MongoDB server codes that the data of a message causes, so that a retry fails the same way:
 * BadValue, TypeMismatch, DollarPrefixedFieldName, DocumentValidationFailure, DuplicateKey (on an
 * index other than _id: the revision guard handles _id), KeyTooLong, BSONObjectTooLarge.
 */
const MONGO_DATA_ERROR_CODES = new Set([2, 14, 52, 121, 11000, 17280, 10334]);

/** Errors JavaScript raises on data the code did not expect (`undefined.x`, JSON.parse, BigInt('x')). */
const DATA_ERROR_NAMES = new Set(['SyntaxError', 'TypeError', 'RangeError', 'ReferenceError']);

/**
 * Decides whether retrying could help. Anything the rules below do not recognise counts as
 * transient: a message retried for ever shows as a stalled worker on /health/ready, whereas one
 * dead-lettered by mistake silently leaves a read model behind until someone replays it.
 */
export function classifyFailure(error: unknown): FailureKind {
  // A data error may wrap a network one (fetch throws TypeError('fetch failed', { cause })).
  if (causeChain(error).some(isTransient)) return 'transient';
  return isPermanent(error) ? 'permanent' : 'transient';
}

function isTransient(error: unknown): boolean {
  if (error instanceof WrongExpectedRevisionError || error instanceof EventStoreUnavailableError) return true;
  if (error instanceof DomainError) return error.kind === 'stale';
  if (!(error instanceof Error)) return false;
  if (error.name.startsWith('KafkaJS')) return true;
  // @platformatic/kafka: network, protocol, timeout and response errors; only a misuse of its API (PLT_KFK_USER) would fail again.
  const clientCode = (error as { code?: unknown }).code;
  if (typeof clientCode === 'string' && clientCode.startsWith('PLT_KFK_') && clientCode !== 'PLT_KFK_USER') return true;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_ERROR_CODES.has(code) || code.startsWith('UND_ERR_'))) return true;
  if (isSqliteBusy(error)) return true;
  return error.name.startsWith('Mongo') && !isMongoDataError(error);
}

function isPermanent(error: unknown): boolean {
  if (error instanceof UndecodableMessageError) return true;
  // An event the message would have the code append that is not JSON, or an append to a deleted
  // stream: the same message fails the same way every time.
  if (error instanceof EventSerialisationError || error instanceof StreamDeletedError) return true;
  if (error instanceof DomainError) return error.kind !== 'stale';
  if (!(error instanceof Error)) return false;
  return DATA_ERROR_NAMES.has(error.name) || error.name === 'BSONError' || isMongoDataError(error);
}

function isMongoDataError(error: Error): boolean {
  if (error.name === 'MongoInvalidArgumentError') return true;
  const code = (error as { code?: unknown }).code;
  return error.name.startsWith('Mongo') && typeof code === 'number' && MONGO_DATA_ERROR_CODES.has(code);
}

/** node:sqlite (the embedded event store) while another process holds the write lock. */
function isSqliteBusy(error: Error): boolean {
  const errcode = (error as { errcode?: unknown }).errcode;
  return errcode === 5 || errcode === 6 || /database is (locked|busy)|SQLITE_BUSY/i.test(error.message);
}

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && current !== null && chain.length < 10; ) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

const MAX_DESCRIPTION = 300;

/**
 * The error as logs, dead-letter headers and /health/ready may show it: name and message, short,
 * on one line, and without the text of errors that quote the data they failed on (JSON.parse
 * quotes the value, a MongoDB duplicate-key error the key, either may be personal data).
 */
export function describeFailure(error: unknown): string {
  if (error instanceof DomainError) return clip(`DomainError ${error.kind}/${error.code}: ${error.message}`);
  if (!(error instanceof Error)) return clip(`non-error thrown: ${typeof error}`);
  if (error.name === 'SyntaxError') return 'SyntaxError (text withheld: it may quote the data)';
  const code = (error as { code?: unknown }).code;
  if (error.name.startsWith('Mongo') && typeof code === 'number') {
    return `${error.name} code ${code} (text withheld: it may quote the document)`;
  }
  return clip(`${error.name}: ${error.message}`);
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= MAX_DESCRIPTION ? line : `${line.slice(0, MAX_DESCRIPTION - 1)}…`;
}
