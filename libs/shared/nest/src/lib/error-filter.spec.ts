import type { ArgumentsHost } from '@nestjs/common';
import { EventStoreDbEventStore, StreamDeletedError } from '@salon/shared/event-store';
import { mongo } from 'mongoose';
import { HttpErrorFilter } from './error-filter';
import { READ_MODEL_RETRY_AFTER_SECONDS } from './read-model-unavailable';

/** What the filter answers for an error, through a response that records status and body. */
function answerTo(error: unknown, headers: Record<string, string> = {}): { status: number; body: Record<string, unknown> } {
  const answer = { status: 0, body: {} as Record<string, unknown> };
  const response = {
    getHeader: () => 'corr-1',
    setHeader(name: string, value: string) {
      headers[name] = value;
    },
    status(code: number) {
      answer.status = code;
      return this;
    },
    json(body: Record<string, unknown>) {
      answer.body = body;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new HttpErrorFilter().catch(error, host);
  return answer;
}

describe('HttpErrorFilter and the event store', () => {
  it('answers 503 event-store-unavailable when the real EventStoreDB client finds no server', async () => {
    // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
    const store = EventStoreDbEventStore.connect('esdb://127.0.0.1:1?tls=false');
    const metadata = { tenantId: 't-1', correlationId: 'c-1', causationId: 'k-1', schemaVersion: 1 };
    const failure = await store
      .appendToStream('client-1', [{ id: '0d4b7c3e-5a1f-4c43-9d8e-2f0a6b1c7e90', type: 'T', data: {}, metadata }], {
        expectedRevision: 'no_stream',
      })
      .catch((error: unknown) => error);
    await store.close();
    expect(answerTo(failure)).toEqual({
      status: 503,
      body: {
        statusCode: 503,
        error: 'event-store-unavailable',
        message: 'The event store cannot be reached just now. Try again shortly.',
        correlationId: 'corr-1',
      },
    });
  });

  it('answers 410 stream-deleted without naming the stream', () => {
    const answer = answerTo(new StreamDeletedError('client-4f0c'));
    expect(answer).toMatchObject({ status: 410, body: { error: 'stream-deleted' } });
    expect(JSON.stringify(answer.body)).not.toContain('client-4f0c');
  });
});

describe('HttpErrorFilter and the read models', () => {
  it('answers 503 read-model-unavailable with Retry-After when the real MongoDB driver finds no server', async () => {
    // Port 1 on the loopback: nothing listens there, so server selection fails fast.
    const client = new mongo.MongoClient('mongodb://127.0.0.1:1/salon', { serverSelectionTimeoutMS: 200 });
    const failure = await client
      .db()
      .collection('client_profiles')
      .findOne({ _id: 'c-1' } as never)
      .catch((error: unknown) => error);
    await client.close();
    const headers: Record<string, string> = {};
    expect(answerTo(failure, headers)).toEqual({
      status: 503,
      body: {
        statusCode: 503,
        error: 'read-model-unavailable',
        message: "The service's records cannot be read just now (its database does not answer). Try again in a few seconds.",
        correlationId: 'corr-1',
      },
    });
    expect(headers['Retry-After']).toBe(String(READ_MODEL_RETRY_AFTER_SECONDS));
  });

  it('keeps a failure it does not know a 500 that says nothing of it', () => {
    const answer = answerTo(new Error('duplicate key in client_profiles: { phone: "+48 600 100 200" }'));
    expect(answer).toEqual({
      status: 500,
      body: { statusCode: 500, error: 'Internal Server Error', message: 'Something went wrong on our side.', correlationId: 'corr-1' },
    });
  });
});
