import { randomUUID } from 'node:crypto';
import { DEAD_LETTER_HEADERS, HEADERS, TOPICS } from '@salon/contracts';
import { asyncApiMessageChecker } from '@salon/shared/testing';
import { FailedMessage, toDeadLetterMessage } from './dead-letters';

/** Dead letters as the consumers publish them are what libs/contracts/asyncapi/dead-letters.asyncapi.yaml says. */
describe('dead letters, against dead-letters.asyncapi.yaml', () => {
  const check = asyncApiMessageChecker('dead-letters.asyncapi.yaml');
  const onTheWire = (failed: FailedMessage) => {
    const message = toDeadLetterMessage(failed);
    return {
      topic: TOPICS.deadLetters.name,
      key: message.key === null || message.key === undefined ? null : String(message.key),
      value: message.value === null || message.value === undefined ? null : String(message.value),
      headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])),
    };
  };
  const integrationHeaders = {
    [HEADERS.eventId]: Buffer.from(randomUUID()),
    [HEADERS.eventType]: Buffer.from('ClientRegistered'),
    [HEADERS.schemaVersion]: Buffer.from('1'),
    [HEADERS.tenantId]: Buffer.from('chain-1'),
    [HEADERS.correlationId]: Buffer.from(randomUUID()),
    [HEADERS.causationId]: Buffer.from(randomUUID()),
    [HEADERS.streamRevision]: Buffer.from('3'),
  };

  it('of a message whose handler failed for good, and of bytes that were no integration event', () => {
    const rejected: FailedMessage = {
      topic: TOPICS.clientEvents.name,
      partition: 2,
      message: { key: Buffer.from(randomUUID()), value: Buffer.from('{"clientId":"x"}'), offset: '41', headers: integrationHeaders },
      group: 'projection.client-profiles',
      reason: 'rejected',
      error: 'DomainError: unknown-client',
      at: new Date(),
    };
    const undecodable: FailedMessage = {
      ...rejected,
      message: { key: null, value: Buffer.from('{not json'), offset: '42', headers: { [DEAD_LETTER_HEADERS.replayOf]: Buffer.from('0:7') } },
      reason: 'undecodable',
      error: 'UndecodableMessageError: the value is not JSON (9 bytes)',
    };
    expect([onTheWire(rejected), onTheWire(undecodable)].flatMap(check)).toEqual([]);
  });

  it('is told apart from a dead letter without where it came from', () => {
    const { [DEAD_LETTER_HEADERS.sourceTopic]: _left, ...headers } = onTheWire({
      topic: TOPICS.visitEvents.name,
      partition: 0,
      message: { key: null, value: null, offset: '1', headers: {} },
      group: 'g',
      reason: 'rejected',
      error: 'e',
      at: new Date(),
    }).headers;
    expect(check({ topic: TOPICS.deadLetters.name, key: null, value: null, headers })).toEqual([
      expect.stringContaining(`must have required property '${DEAD_LETTER_HEADERS.sourceTopic}'`),
    ]);
  });
});
