import { DEFAULT_KAFKA_CLIENT, createMessagingClient, kafkaClientKind } from './messaging-client';

describe('KAFKA_CLIENT', () => {
  it('is the default when unset or empty, and names the adapter otherwise', () => {
    expect(kafkaClientKind(undefined)).toBe(DEFAULT_KAFKA_CLIENT);
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
