import { ConsumerHealth } from './consumer-health';
import { deadLetterTopic } from './dead-letters';
import { IncomingMessage } from './integration-message';
import type { MessagingClient } from './messaging-port';
import { SupervisedConsumer } from './supervised-consumer';

export interface MessagePolicyOptions {
  readonly kafka: MessagingClient;
  /** The consumer group, without the environment's prefix, e.g. `clients.visits-policy`. */
  readonly groupId: string;
  /** Topics without the prefix (TOPICS.*.name). */
  readonly topics: readonly string[];
  /** The environment's topic and group prefix (KAFKA_TOPIC_PREFIX). */
  readonly prefix?: string;
  /** Partitions handled at once; messages of one partition (one key) stay in order. */
  readonly partitionsConsumedConcurrently?: number;
}

/**
 * A Kafka consumer that decides: a policy turns each message of another context into a command.
 * It runs as a supervised consumer group (dead letters, retries, restarts: SupervisedConsumer),
 * one message at a time per partition; a subclass only says what a message means.
 */
export abstract class MessagePolicy {
  readonly name: string;
  private readonly consumer: SupervisedConsumer;

  protected constructor({ kafka, groupId, topics, prefix = '', partitionsConsumedConcurrently }: MessagePolicyOptions) {
    this.name = prefix + groupId;
    this.consumer = new SupervisedConsumer({
      kafka,
      groupId: this.name,
      topics: topics.map((topic) => prefix + topic),
      deadLetterTopic: deadLetterTopic(prefix),
      partitionsConsumedConcurrently,
      handler: { eachMessage: (message) => this.handle(message) },
    });
  }

  /** Idempotent: a message may come again after a crash or a rebalance. */
  abstract handle(message: IncomingMessage): Promise<void>;

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }

  health(): Promise<ConsumerHealth> {
    return this.consumer.health();
  }
}
