import { DEFAULT_KAFKA_CLIENT, createMessagingClient, kafkaClientKind } from './messaging-client';

describe('KAFKA_CLIENT', () => {
  it('is the default when unset or empty, and names the adapter otherwise', () => {
    // Unset: the environment's KAFKA_CLIENT is read, so the run's own (a test run may set it) is put aside.
    const set = process.env['KAFKA_CLIENT'];
    delete process.env['KAFKA_CLIENT'];
    try {
      expect(kafkaClientKind()).toBe(DEFAULT_KAFKA_CLIENT);
    } finally {
      if (set !== undefined) process.env['KAFKA_CLIENT'] = set;
    }
    expect(kafkaClientKind('')).toBe(DEFAULT_KAFKA_CLIENT);
    expect(kafkaClientKind('kafkajs')).toBe('kafkajs');
    expect(kafkaClientKind('platformatic')).toBe('platformatic');
  });

  it('refuses a client it does not know, naming the choices', () => {
    expect(() => kafkaClientKind('rdkafka')).toThrow('KAFKA_CLIENT must be one of kafkajs, platformatic, not "rdkafka"');
  });

  it.each(['kafkajs', 'platformatic'] as const)('builds the %s adapter without connecting', (kind) => {
    expect(createMessagingClient({ clientId: 'spec', brokers: ['127.0.0.1:1'], kind }).kind).toBe(kind);
  });
});
