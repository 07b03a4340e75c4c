import { DEAD_LETTER_HEADERS } from '@salon/contracts';
import { selectDeadLetters } from './dead-letter-replay';
import { DeadLetter, FailedMessage, fromDeadLetterMessage, toDeadLetterMessage } from './dead-letters';

const failed: FailedMessage = {
  topic: 't1.clients.client-events.v1',
  partition: 4,
  message: { key: Buffer.from('client-1'), value: Buffer.from('{not json'), offset: '17', headers: { 'event-id': Buffer.from('e-1') } },
  group: 'projection.t1.client-profiles',
  reason: 'undecodable',
  error: 'UndecodableMessageError: Message t1.clients.client-events.v1/4@17: the value is not JSON (9 bytes)',
  at: new Date('2030-01-01T00:00:00Z'),
};

/** A message as a consumer reads it back: header values are Buffers. */
function asFetched(message: ReturnType<typeof toDeadLetterMessage>, offset: string) {
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, Buffer.from(String(value))]));
  return { key: message.key as Buffer, value: message.value as Buffer, offset, headers };
}

describe('dead letter messages', () => {
  it('keep the original key, value and headers, and name the source, group, reason, error and time', () => {
    const message = toDeadLetterMessage(failed);
    expect(message.key).toBe(failed.message.key);
    expect(message.value).toBe(failed.message.value);
    expect(message.headers).toEqual({
      'event-id': failed.message.headers?.['event-id'],
      [DEAD_LETTER_HEADERS.sourceTopic]: 't1.clients.client-events.v1',
      [DEAD_LETTER_HEADERS.sourcePartition]: '4',
      [DEAD_LETTER_HEADERS.sourceOffset]: '17',
      [DEAD_LETTER_HEADERS.group]: 'projection.t1.client-profiles',
      [DEAD_LETTER_HEADERS.reason]: 'undecodable',
      [DEAD_LETTER_HEADERS.error]: failed.error,
      [DEAD_LETTER_HEADERS.at]: '2030-01-01T00:00:00.000Z',
    });
  });

  it('read back as the source message and where it came from', () => {
    const letter = fromDeadLetterMessage(0, asFetched(toDeadLetterMessage(failed), '3'));
    expect(letter).toMatchObject({
      id: '0:3',
      group: failed.group,
      reason: 'undecodable',
      error: failed.error,
      deadLetteredAt: '2030-01-01T00:00:00.000Z',
      source: { topic: failed.topic, partition: 4, offset: '17' },
      replayOf: undefined,
    });
    expect(letter.value?.toString()).toBe('{not json');
    expect(Object.keys(letter.headers)).toEqual(['event-id']);
  });

  it('of a replayed message that failed again: the old dead-letter headers are replaced, the replay is named', () => {
    const replayedAndFailedAgain: FailedMessage = {
      ...failed,
      message: { ...failed.message, headers: { ...failed.message.headers, [DEAD_LETTER_HEADERS.replayOf]: Buffer.from('0:3') } },
    };
    const letter = fromDeadLetterMessage(0, asFetched(toDeadLetterMessage(replayedAndFailedAgain), '9'));
    expect(letter.replayOf).toBe('0:3');
    expect(Object.keys(letter.headers)).toEqual(['event-id']);
  });
});

describe('selectDeadLetters', () => {
  const letter = (id: string, group: string) => ({ ...fromDeadLetterMessage(0, asFetched(toDeadLetterMessage(failed), id)), group }) as DeadLetter;
  const letters = [letter('1', 'g1'), letter('2', 'g2'), letter('3', 'g1')];

  it('selects by group and by id', () => {
    expect(selectDeadLetters(letters, {}).map((l) => l.id)).toEqual(['0:1', '0:2', '0:3']);
    expect(selectDeadLetters(letters, { group: 'g1' }).map((l) => l.id)).toEqual(['0:1', '0:3']);
    expect(selectDeadLetters(letters, { ids: ['0:2', '0:3'] }).map((l) => l.id)).toEqual(['0:2', '0:3']);
    expect(selectDeadLetters(letters, { group: 'g2', ids: ['0:3'] })).toEqual([]);
  });

  it('refuses an id that is not there, so that a typo replays nothing', () => {
    expect(() => selectDeadLetters(letters, { ids: ['0:1', '0:9'] })).toThrow('no dead letter with id 0:9');
  });
});
