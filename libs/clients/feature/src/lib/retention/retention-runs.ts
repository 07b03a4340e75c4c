import { Inject, Injectable } from '@nestjs/common';
import {
  RetentionRunCommand,
  RetentionRunEvent,
  RetentionRunState,
  retentionRunDecider,
  retentionRunEventCatalog,
  toRetentionRunStreamName,
} from '@salon/clients/domain';
import { CommandHandler, EventCodec } from '@salon/shared/event-sourcing';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';

/** One stream per run (`retention-run-<runId>`); another chain's run reads as missing. */
@Injectable()
export class RetentionRuns {
  private readonly handler: CommandHandler<RetentionRunState, RetentionRunCommand, RetentionRunEvent>;

  constructor(@Inject(EVENT_STORE) store: EventStore) {
    this.handler = new CommandHandler(store, retentionRunDecider, EventCodec.withoutPersonalData(retentionRunEventCatalog));
  }

  async state(tenantId: string, runId: string): Promise<RetentionRunState> {
    return (await this.handler.load(toRetentionRunStreamName(runId), tenantId)).state;
  }

  /** The events the command recorded: none when the run was already started (or finished). */
  async record(runId: string, command: RetentionRunCommand): Promise<readonly RetentionRunEvent[]> {
    return (await this.handler.handle(toRetentionRunStreamName(runId), command)).events;
  }
}
