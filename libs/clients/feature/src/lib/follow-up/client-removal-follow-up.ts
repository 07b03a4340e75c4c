import { clientIdOfStream } from '@salon/clients/domain';
import { RecordedEvent } from '@salon/shared/event-store';
import { FollowUpOutcome } from '@salon/shared/messaging';
import { CLIENT_STREAM_PREFIXES } from '../relay/client-integration-events';
import { SettleClient } from '../settle-client/settle-client';

/** The events after whose append a use case still has work to do beside the client's stream. */
const SETTLED_AFTER = new Set(['ClientProfileEdited', 'ClientDeleted', 'ClientErased']);

export const CLIENT_REMOVAL_STREAM_PREFIXES = CLIENT_STREAM_PREFIXES;

/**
 * Finishes, from the client's own events, what delete, erase and a change of phone number do after
 * their append (release the numbers, destroy the data key): a crash of the service between the two
 * can no longer leave a number taken for ever or personal data readable after an erasure.
 * Run by an EventStoreFollowUp; settling is idempotent, so handling an event twice is harmless.
 */
export function clientRemovalFollowUp(settleClient: SettleClient) {
  return async (event: RecordedEvent): Promise<FollowUpOutcome> => {
    if (!SETTLED_AFTER.has(event.type)) return 'done';
    await settleClient.execute(
      {
        tenantId: event.metadata.tenantId,
        correlationId: event.metadata.correlationId,
        causationId: event.id,
        actorId: 'system',
        now: new Date(),
        commandId: undefined,
      },
      clientIdOfStream(event.streamName),
    );
    return 'done';
  };
}

