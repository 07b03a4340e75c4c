import { ConsentStateV1, TOPICS } from '@salon/contracts';
import { Projection, WriteBatch } from '@salon/shared/messaging';
import { CLIENT_PROFILES_COLLECTION, ConsentSummary, EMPTY_VISIT_STATISTICS } from './client-profile.document';

/**
 * Puts the consent summary on the client card, from the consent context's public state topic
 * (`consent.consent-state.v1`, compacted; a tombstone once the client is deleted or erased).
 *
 * Guarded by the consent stream's revision in its own field, so it never races the profile's
 * revision. A state may arrive before the client's registration is projected: the document is
 * then created with revision -1, which the registration (revision 0) still passes, and with the
 * empty visit statistics the registration would have inserted (its `$setOnInsert` no longer
 * applies), so the document ends the same whichever arrives first, as a rebuild builds it.
 */
export function createConsentSummaryProjection(): Projection {
  return {
    name: 'client-profile-consent',
    topics: [TOPICS.consentState.name],
    collections: [CLIENT_PROFILES_COLLECTION],
    apply(messages) {
      const batch = new WriteBatch();
      for (const message of messages) {
        const state = message.data as ConsentStateV1 | null;
        const revision = Number(message.streamRevision);
        batch.add(CLIENT_PROFILES_COLLECTION, {
          updateOne: {
            // $not/$gte (rather than $lt) also matches a document that has no consent yet.
            filter: { _id: message.key, consentRevision: { $not: { $gte: revision } } },
            update: {
              $set: { consent: state ? summaryOf(state) : null, consentRevision: revision },
              $setOnInsert: { tenantId: message.tenantId, revision: -1, visitStatistics: EMPTY_VISIT_STATISTICS },
            },
            upsert: true,
          },
        });
      }
      return batch.toWrites();
    },
  };
}

export function summaryOf(state: ConsentStateV1): ConsentSummary {
  const { switches } = state;
  return {
    notifications: switches.notifications,
    remindersBySms: switches.remindersBySms,
    remindersByEmail: switches.remindersByEmail,
    marketing: switches.newsletter || switches.marketingSms,
  };
}
