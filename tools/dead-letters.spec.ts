import { DEAD_LETTER_HEADERS } from '@salon/contracts';
import { ListedDeadLetter, fromDeadLetterMessage } from '@salon/shared/messaging';
import { formatTable, parseCommand, summarize } from './dead-letters';

const letter: ListedDeadLetter = {
  ...fromDeadLetterMessage(0, {
    key: Buffer.from('5b0f6a3e-0000-4000-8000-000000000001'),
    value: Buffer.from('{"pii":{"ciphertext":"c2VjcmV0"},"firstName":"Anna"}'),
    offset: '12',
    headers: {
      'event-type': Buffer.from('ClientRegistered'),
      'event-id': Buffer.from('e-1'),
      [DEAD_LETTER_HEADERS.group]: Buffer.from('projection.client-profiles'),
      [DEAD_LETTER_HEADERS.sourceTopic]: Buffer.from('clients.client-events.v1'),
      [DEAD_LETTER_HEADERS.sourcePartition]: Buffer.from('3'),
      [DEAD_LETTER_HEADERS.sourceOffset]: Buffer.from('41'),
      [DEAD_LETTER_HEADERS.reason]: Buffer.from('rejected'),
      [DEAD_LETTER_HEADERS.error]: Buffer.from("TypeError: Cannot read properties of undefined (reading 'phone')"),
      [DEAD_LETTER_HEADERS.at]: Buffer.from('2030-01-01T00:00:00.000Z'),
    },
  }),
  replayedAt: undefined,
};

describe('npm run dead-letters', () => {
  it('reads list and replay with their options', () => {
    expect(parseCommand(['list'])).toEqual({ action: 'list', selection: { group: undefined, ids: undefined }, json: false });
    expect(parseCommand(['list', '--group', 'g1', '--json'])).toEqual({ action: 'list', selection: { group: 'g1', ids: undefined }, json: true });
    expect(parseCommand(['replay', '--id', '0:3', '--id', '0:4,0:5'])).toEqual({
      action: 'replay',
      selection: { group: undefined, ids: ['0:3', '0:4', '0:5'] },
    });
  });

  it('refuses anything else with the usage', () => {
    expect(() => parseCommand([])).toThrow(/^usage: dead-letters list/);
    expect(() => parseCommand(['replay', '--json'])).toThrow('unknown argument --json');
    expect(() => parseCommand(['list', '--group'])).toThrow('--group needs a value');
  });

  it('shows ids, sizes and the error, never the value', () => {
    expect(summarize(letter)).toEqual({
      id: '0:12',
      deadLetteredAt: '2030-01-01T00:00:00.000Z',
      group: 'projection.client-profiles',
      source: 'clients.client-events.v1/3@41',
      eventType: 'ClientRegistered',
      eventId: 'e-1',
      key: '5b0f6a3e-0000-4000-8000-000000000001',
      valueBytes: 52,
      reason: 'rejected',
      error: "TypeError: Cannot read properties of undefined (reading 'phone')",
      replayOf: null,
      replayedAt: null,
    });
    const table = formatTable([letter]);
    expect(table).not.toContain('Anna');
    expect(table).not.toContain('c2VjcmV0');
    expect(table.split('\n')[1]).toMatch(/^0:12 +2030-01-01T00:00:00.000Z +projection.client-profiles +clients.client-events.v1\/3@41 +ClientRegistered/);
  });
});
