import { kafkajsClient } from './kafkajs-client';
import { platformaticClient } from './platformatic-client';
import { KAFKA_CLIENT_KINDS, KafkaClientKind, MessagingClient, MessagingClientSettings } from './messaging-port';

/** The Kafka client used when KAFKA_CLIENT is not set. */
export const DEFAULT_KAFKA_CLIENT: KafkaClientKind = 'platformatic';

/** KAFKA_CLIENT as configured: empty means the default; anything else unknown is refused, naming the choices. */
export function kafkaClientKind(value: string | undefined = process.env['KAFKA_CLIENT']): KafkaClientKind {
  if (value === undefined || value === '') return DEFAULT_KAFKA_CLIENT;
  if ((KAFKA_CLIENT_KINDS as readonly string[]).includes(value)) return value as KafkaClientKind;
  throw new Error(`KAFKA_CLIENT must be one of ${KAFKA_CLIENT_KINDS.join(', ')}, not "${value}"`);
}

/** The messaging port on the Kafka client chosen by `kind` (default: KAFKA_CLIENT). */
export function createMessagingClient(settings: MessagingClientSettings & { readonly kind?: KafkaClientKind }): MessagingClient {
  const kind = settings.kind ?? kafkaClientKind();
  switch (kind) {
    case 'kafkajs':
      return kafkajsClient(settings);
    case 'platformatic':
      return platformaticClient(settings);
    default:
      throw new Error(`no adapter for the Kafka client ${kind as string}`);
  }
}
