import { Logger } from '@nestjs/common';
import type { Consumer, Kafka } from 'kafkajs';
import { TOPICS, VisitEventBaseV1 } from '@salon/contracts';
import { DomainError } from '@salon/shared/ddd';
import { BackgroundWorker, systemContext } from '@salon/shared/nest';
import { decodeMessage } from '@salon/shared/messaging';
import { ClientCommands } from '../write/client-commands.service';

/**
 * The clients context learns of every visit (any status) from the visits topic, so that a
 * client with visits can never be hard-deleted. Noting a visit is idempotent per visit id, so
 * redelivered messages are harmless.
 */
export class VisitsPolicy implements BackgroundWorker {
  readonly name: string;
  private readonly logger = new Logger('VisitsPolicy');
  private consumer?: Consumer;

  constructor(
    private readonly kafka: Kafka,
    private readonly commands: ClientCommands,
    /** The environment's topic and group prefix (KAFKA_TOPIC_PREFIX). */
    private readonly prefix = '',
  ) {
    this.name = `${prefix}clients.visits-policy`;
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: this.name, allowAutoTopicCreation: false });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [this.prefix + TOPICS.visitEvents.name], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const incoming = decodeMessage(topic, partition, message);
        // Every visit, whatever its status later, starts with VisitBooked: noting that one is
        // enough, and spares a read of the client's stream for each later event of the visit.
        if (incoming.eventType !== 'VisitBooked') return;
        const visit = incoming.data as VisitEventBaseV1 | null;
        if (!visit?.clientId || !visit.visitId) return;
        try {
          await this.commands.noteVisit(systemContext(incoming.tenantId, incoming.correlationId), visit.clientId, visit.visitId);
        } catch (error) {
          // A visit of an erased or unknown client changes nothing here; anything else is retried.
          if (error instanceof DomainError && error.kind !== 'stale') {
            this.logger.warn(`visit ${visit.visitId} not noted for client ${visit.clientId}: ${error.code}`);
            return;
          }
          throw error;
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
