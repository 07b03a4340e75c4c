import type { Connection } from 'mongoose';
import { clientIdOfStream } from '@salon/clients/domain';
import { RecordedEvent } from '@salon/shared/event-store';
import { FollowUpOutcome, ReadModelVersions } from '@salon/shared/messaging';
import { CLIENT_PROFILES_COLLECTION, ClientProfileDocument } from '../projections/client-profiles/client-profile.document';
import { CLIENT_STREAM_PREFIXES } from '../relay/client-integration-events';

/** The events after which a client's card may show no personal data anywhere. */
const REMOVED = new Set(['ClientDeleted', 'ClientErased']);

export const SUPERSEDED_PROFILES_STREAM_PREFIXES = CLIENT_STREAM_PREFIXES;

/**
 * Takes a deleted or erased client's card out of every superseded version of `client_profiles`
 * that is not dropped yet (a rebuild switched readers away from it less than
 * READ_MODEL_RETIRE_AFTER_SECONDS ago): the live projection anonymises the card in the active
 * version only, and an old one would keep the personal data in clear until it is dropped.
 * Removed rather than anonymised: nobody reads an old version but a query that was under way at
 * the switch.
 *
 * Until the projection has applied the removal to the active version, a rebuild may still switch
 * readers away from a version that shows the client: the event is looked at again (`not-yet`)
 * until the active card shows it, for at most `waitForProjectionMs` after the event (the
 * retirement grace period). Only a projection stuck longer than that leaves a card in a version
 * superseded afterwards, until that version is dropped.
 *
 * Run by an EventStoreFollowUp from the event store (crash-safe; its first run goes through the
 * whole history, so versions left from before it existed are cleaned too); a removal is idempotent.
 */
export function supersededProfilesPurge(mongo: Connection, waitForProjectionMs: number, now = () => Date.now()) {
  const versions = new ReadModelVersions(mongo);
  return async (event: RecordedEvent): Promise<FollowUpOutcome> => {
    if (!REMOVED.has(event.type)) return 'done';
    const clientId = clientIdOfStream(event.streamName);
    const { tenantId } = event.metadata;
    const { active, superseded } = await versions.existing(CLIENT_PROFILES_COLLECTION);
    for (const collection of superseded) {
      await mongo.collection<ClientProfileDocument>(collection).deleteOne({ _id: clientId, tenantId });
    }
    if (now() - event.createdAt.getTime() >= waitForProjectionMs) return 'done';
    const card = await mongo.collection<ClientProfileDocument>(active).findOne({ _id: clientId, tenantId }, { projection: { status: 1 } });
    return card && card.status !== 'active' ? 'done' : 'not-yet';
  };
}
