import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded } from 'kafkajs';
import { MongoBulkWriteError, MongoInvalidArgumentError, MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { DomainError } from '@salon/shared/ddd';
import { EventSerialisationError, EventStoreUnavailableError, StreamDeletedError, WrongExpectedRevisionError } from '@salon/shared/event-store';
import { classifyFailure, describeFailure } from './failure-classification';
import { UndecodableMessageError, decodeMessage } from './integration-message';

const systemError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:27017`), { code });

function jsonParseError(text: string): unknown {
  try {
    JSON.parse(text);
  } catch (error) {
    return error;
  }
  throw new Error('parsed');
}

// ESM-only: loaded with Node's require, as its adapter does (platformatic-client.ts).
const platformatic = process.getBuiltinModule('node:module').createRequire(__filename)('@platformatic/kafka') as typeof import('@platformatic/kafka');

describe('classifyFailure', () => {
  describe('transient: retried with back-off, never dead-lettered', () => {
    it.each([
      ['a concurrent append (wrong expected revision)', new WrongExpectedRevisionError('client-1', 3n, 4n)],
      ['the event store unreachable', new EventStoreUnavailableError('14 UNAVAILABLE: No connection established')],
      ['a stale domain error', new DomainError('stale', 'stale-revision', 'changed meanwhile')],
      ['the broker unreachable', new KafkaJSConnectionError('Connection error: connect ECONNREFUSED')],
      ['a kafkajs error it gave up retrying', new KafkaJSNumberOfRetriesExceeded(new Error('coordinator loading'), { retryCount: 5, retryTime: 300 })],
      ['even a kafkajs "non-retriable" error (a broker problem, not the message)', new KafkaJSNonRetriableError('group coordinator not available')],
      ['the broker unreachable (@platformatic/kafka)', new platformatic.NetworkError('Connection to 127.0.0.1:19092 failed.')],
      ['a broker that did not answer in time (@platformatic/kafka)', new platformatic.TimeoutError('Request timed out.')],
      ['MongoDB unreachable', new MongoServerSelectionError('Server selection timed out after 5000 ms', { error: undefined } as never)],
      ['a MongoDB connection dropped', new MongoNetworkError('connection 3 to 127.0.0.1:27018 closed')],
      ['a MongoDB server error that is not about the data (shutting down)', new MongoServerError({ message: 'interrupted at shutdown', code: 11600 })],
      ['a refused connection', systemError('ECONNREFUSED')],
      ['a reset connection', systemError('ECONNRESET')],
      ['the embedded store locked by another process', Object.assign(new Error('database is locked'), { errcode: 5 })],
      ['a network error under a TypeError (fetch failed)', new TypeError('fetch failed', { cause: systemError('ECONNREFUSED') })],
      ['an error nobody recognises (retried: a stall shows on /health/ready)', new Error('something odd')],
    ])('%s', (_, error) => {
      expect(classifyFailure(error)).toBe('transient');
    });
  });

  describe('permanent: dead-lettered, the consumer goes on', () => {
    const noHeaders = (() => {
      try {
        decodeMessage('clients.client-events.v1', 0, { key: null, value: Buffer.from('{}'), offset: '7' });
      } catch (error) {
        return error;
      }
    })();
    const badJson = (() => {
      try {
        decodeMessage('t', 0, { key: null, value: Buffer.from('{not json'), offset: '8', headers: completeHeaders() });
      } catch (error) {
        return error;
      }
    })();

    it.each([
      ['a message without headers', noHeaders],
      ['a value that is not JSON', badJson],
      ['a domain rule refusing it', DomainError.notFound('no-consent-record', 'There is no consent record for this client yet')],
      ['a conflict with the current state', DomainError.conflict('client-erased', 'The client was erased')],
      ['a SyntaxError from the data', jsonParseError('{oops')],
      ['a TypeError from data of an unexpected shape', new TypeError("Cannot read properties of undefined (reading 'clientId')")],
      ['a RangeError', new RangeError('Invalid time value')],
      ['a MongoDB refusal caused by the document', new MongoServerError({ message: 'Document failed validation', code: 121 })],
      ['an event that is not JSON (EventSerialisationError)', new EventSerialisationError('visit-t-1', 'e-1', 'VisitBooked', 'data', 'Do not know how to serialize a BigInt')],
      ['an append to a deleted stream', new StreamDeletedError('phone-reservation-t-k1-ab')],
      ['a MongoDB driver refusing the arguments', new MongoInvalidArgumentError('Update document requires atomic operators')],
    ])('%s', (_, error) => {
      expect(classifyFailure(error)).toBe('permanent');
    });

    it('reads headers and JSON as undecodable', () => {
      expect(noHeaders).toBeInstanceOf(UndecodableMessageError);
      expect(badJson).toBeInstanceOf(UndecodableMessageError);
    });
  });
});

describe('describeFailure', () => {
  it('never repeats the data a parse error quotes', () => {
    const text = describeFailure(jsonParseError('{"firstName": "Łucja", oops'));
    expect(text).not.toContain('Łucja');
    expect(text).toContain('SyntaxError');
  });

  it('names an undecodable message by its position and size, not its value', () => {
    const error = (() => {
      try {
        decodeMessage('t', 2, { key: null, value: Buffer.from('{"phone": "+48601"'), offset: '9', headers: completeHeaders() });
      } catch (caught) {
        return caught;
      }
    })();
    const text = describeFailure(error);
    expect(text).toBe('UndecodableMessageError: Message t/2@9: the value is not JSON (18 bytes)');
  });

  it('gives a MongoDB server error by code only (a duplicate key error quotes the key)', () => {
    const error = new MongoBulkWriteError(
      { message: 'E11000 duplicate key error dup key: { phone: "+48601000001" }', code: 11000, writeErrors: [] },
      {} as never,
    );
    expect(describeFailure(error)).toBe('MongoBulkWriteError code 11000 (text withheld: it may quote the document)');
  });

  it('names a domain error by kind and code, on one short line', () => {
    expect(describeFailure(DomainError.conflict('client-closed', 'The client was deleted:\n closed'))).toBe(
      'DomainError conflict/client-closed: The client was deleted: closed',
    );
    expect(describeFailure(new Error('x'.repeat(1_000))).length).toBeLessThanOrEqual(300);
  });
});

function completeHeaders(): Record<string, string> {
  return {
    'event-id': 'e1',
    'event-type': 'ClientRegistered',
    'schema-version': '1',
    'tenant-id': 'chain-1',
    'correlation-id': 'c1',
    'causation-id': 'c1',
    'stream-revision': '0',
  };
}
