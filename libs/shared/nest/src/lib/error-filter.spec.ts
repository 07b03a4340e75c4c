import type { ArgumentsHost } from '@nestjs/common';
import { EventStoreDbEventStore, StreamDeletedError } from '@salon/shared/event-store';
import { HttpErrorFilter } from './error-filter';

/** What the filter answers for an error, through a response that records status and body. */
function answerTo(error: unknown): { status: number; body: Record<string, unknown> } {
  const answer = { status: 0, body: {} as Record<string, unknown> };
  const response = {
    getHeader: () => 'corr-1',
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
