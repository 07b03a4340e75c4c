import type { Collection } from 'mongodb';
import { TOPICS, VisitEventV1 } from '@salon/contracts';
import { IncomingMessage, Projection, ReadModelCollections, WriteBatch, guardedUpsert } from '@salon/shared/messaging';
import { CLIENT_PROFILES_COLLECTION, ClientProfileDocument } from '../profile-view/client-profile.document';
import { CLIENT_VISIT_LEDGER_COLLECTION, VisitLedgerEntry, computeVisitStatistics, toLedgerEntry } from './visit-statistics';

export const CLIENT_VISIT_STATISTICS_PROJECTION = 'client-visit-statistics';

/**
 * The visit statistics on the client card, from `visits.visit-events.v1`.
 *
 * `apply` keeps one ledger entry per visit (guarded by the visit stream's revision: a
 * redelivered or older message changes nothing). `refresh` then recomputes, for each client of
 * the batch, `visitStatistics` on the profile document from all of that client's entries.
 *
 * The profile document may not exist yet (a visit projected before the registration, or a
 * rebuild of the profiles running): it is then created with revision -1 and no status, which
 * no query shows, and which the registration (revision 0) still passes; the registration's
 * `$setOnInsert` leaves the statistics in place, so the `consent: null` it would have inserted is
 * inserted here: the document ends the same whichever arrives first, as a rebuild builds it.
 * Deletion and erasure keep them: visits stay for statistics and hold nothing personal.
 */
export function createClientVisitStatisticsProjection(): Projection {
  return {
    name: CLIENT_VISIT_STATISTICS_PROJECTION,
    topics: [TOPICS.visitEvents.name],
    collections: [CLIENT_VISIT_LEDGER_COLLECTION],
    apply(messages) {
      const batch = new WriteBatch();
      for (const { message, event } of visitEvents(messages)) {
        batch.add(CLIENT_VISIT_LEDGER_COLLECTION, guardedUpsert(event.visitId, message.streamRevision, { $set: toLedgerEntry(message.tenantId, event.visit) }));
      }
      return batch.toWrites();
    },
    async refresh(messages, collections) {
      await refreshStatistics(visitEvents(messages), collections);
    },
  };
}

async function refreshStatistics(events: readonly TenantVisitEvent[], collections: ReadModelCollections): Promise<void> {
  const tenantOf = new Map(events.map(({ message, event }) => [event.clientId, message.tenantId]));
  if (tenantOf.size === 0) return;
  const ledger = await collections.collection<VisitLedgerEntry>(CLIENT_VISIT_LEDGER_COLLECTION);
  await ensureLedgerIndex(ledger);
  const entries = await ledger.find({ clientId: { $in: [...tenantOf.keys()] } }).toArray();
  const profiles = await collections.collection<ClientProfileDocument>(CLIENT_PROFILES_COLLECTION);
  await profiles.bulkWrite(
    [...tenantOf].map(([clientId, tenantId]) => ({
      updateOne: {
        filter: { _id: clientId },
        update: {
          $set: { visitStatistics: computeVisitStatistics(entries.filter((entry) => entry.clientId === clientId && entry.tenantId === tenantId)) },
          $setOnInsert: { tenantId, revision: -1, consent: null },
        },
        upsert: true,
      },
    })),
    { ordered: false },
  );
}

interface TenantVisitEvent {
  readonly message: IncomingMessage;
  readonly event: VisitEventV1;
}

function visitEvents(messages: readonly IncomingMessage[]): TenantVisitEvent[] {
  return messages.flatMap((message) => {
    const event = message.data as VisitEventV1 | null;
    const usable = event !== null && typeof event.visitId === 'string' && typeof event.clientId === 'string' && event.visit !== undefined;
    return usable ? [{ message, event }] : [];
  });
}

/** The refresh reads a client's entries by client id; created once per physical collection and process. */
const indexed = new Set<string>();
async function ensureLedgerIndex(ledger: Collection<VisitLedgerEntry>): Promise<void> {
  const key = `${ledger.dbName}.${ledger.collectionName}`;
  if (indexed.has(key)) return;
  await ledger.createIndex({ clientId: 1, tenantId: 1 }, { name: 'client_tenant' });
  indexed.add(key);
}
