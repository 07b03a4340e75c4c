import { Inject, Injectable } from '@nestjs/common';
import {
  RETENTION_POLICY_STREAM_PREFIX,
  RetentionPolicyCommand,
  RetentionPolicyEvent,
  RetentionPolicyState,
  retentionPolicyDecider,
  retentionPolicyEventCatalog,
  toRetentionPolicyStreamName,
} from '@salon/clients/domain';
import { CommandHandler, EventCodec } from '@salon/shared/event-sourcing';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';

/** The chain's retention policy stream (`retention-policy-<tenantId>`): ids and periods, nothing personal. */
@Injectable()
export class RetentionPolicies {
  private readonly handler: CommandHandler<RetentionPolicyState, RetentionPolicyCommand, RetentionPolicyEvent>;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {
    this.handler = new CommandHandler(store, retentionPolicyDecider, EventCodec.withoutPersonalData(retentionPolicyEventCatalog));
  }

  async load(tenantId: string): Promise<{ state: RetentionPolicyState; revision: bigint | undefined }> {
    const { state, revision } = await this.handler.load(toRetentionPolicyStreamName(tenantId), tenantId);
    return { state, revision };
  }

  async record(tenantId: string, command: RetentionPolicyCommand, expectedRevision?: bigint) {
    return this.handler.handle(toRetentionPolicyStreamName(tenantId), command, { expectedRevision });
  }

  /** The chains that ever saved a policy: the ones the daily job looks at (a few per deployment). */
  async chainsWithPolicy(): Promise<string[]> {
    const events = await this.store.readAll({ streamPrefixes: [RETENTION_POLICY_STREAM_PREFIX] });
    return [...new Set(events.map((event) => event.metadata.tenantId))];
  }
}
