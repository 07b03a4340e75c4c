import type { Connection } from 'mongoose';
import { mongo } from 'mongoose';

/** The stores whose erasure another context confirms with an integration event. */
export type ConfirmingStore = 'media' | 'consent';

/** One confirmation as the clients service heard it: ids, the store, the other context's time. No personal data. */
export interface ErasureConfirmationDocument {
  /** The integration event's id: a redelivered message finds its confirmation already there. */
  readonly _id: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly store: ConfirmingStore;
  /** The event type that confirmed it (ClientPhotosErased, ConsentClosed). */
  readonly eventType: string;
  /** When the other context says it was done (ISO 8601, from the event). */
  readonly confirmedAt: string;
  /** When this service heard of it. */
  readonly receivedAt: Date;
}

export const ERASURE_CONFIRMATIONS_COLLECTION = 'erasure_confirmations';
const DUPLICATE_KEY = 11000;

/**
 * The erasure confirmations other contexts published (the media context's ClientPhotosErased, the
 * consent context's ConsentClosed), kept for the erasure certificate. Not a read model rebuilt
 * from the event store: the facts are the other contexts' and reach this service only over Kafka,
 * whose event topics keep everything, so a lost collection is filled again by replaying the topics
 * from the start (a new consumer group does).
 */
export class ErasureConfirmations {
  private readonly collection: mongo.Collection<ErasureConfirmationDocument>;
  private indexes: Promise<unknown> | undefined;

  constructor(connection: Connection) {
    this.collection = connection.collection<ErasureConfirmationDocument>(ERASURE_CONFIRMATIONS_COLLECTION);
  }

  /** Idempotent by event id; the first delivery's document stays. */
  async record(confirmation: Omit<ErasureConfirmationDocument, 'receivedAt'>, receivedAt = new Date()): Promise<void> {
    await this.ensureIndexes();
    await this.collection
      .updateOne({ _id: confirmation._id }, { $setOnInsert: { ...confirmation, receivedAt } }, { upsert: true })
      .catch((error: unknown) => {
        // Two deliveries at once: the slower upsert loses on _id, and the confirmation is there.
        if (!(error instanceof mongo.MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      });
  }

  /** The earliest confirmation of each store for the client (a store may confirm twice: a redelivery under a new id). */
  async of(tenantId: string, clientId: string): Promise<Map<ConfirmingStore, ErasureConfirmationDocument>> {
    const documents = await this.collection.find({ tenantId, clientId }).sort({ confirmedAt: 1, _id: 1 }).toArray();
    const earliest = new Map<ConfirmingStore, ErasureConfirmationDocument>();
    for (const document of documents) if (!earliest.has(document.store)) earliest.set(document.store, document);
    return earliest;
  }

  ensureIndexes(): Promise<unknown> {
    this.indexes ??= this.collection.createIndex({ tenantId: 1, clientId: 1 }, { name: 'tenant_client' }).catch((error: unknown) => {
      this.indexes = undefined;
      throw error;
    });
    return this.indexes;
  }
}
