import { Inject, Injectable } from '@nestjs/common';
import {
  ClientPhotosCommand,
  ClientPhotosEvent,
  ClientPhotosState,
  clientPhotosDecider,
  toClientPhotosStreamName,
} from '@salon/media/domain';
import { CONTENDED_STREAM, CommandHandler, CommandResult } from '@salon/shared/event-sourcing';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';
import { clientPhotosEventCodec } from '../relay/photo-integration-events';

/**
 * The media context's stream of one client (`photos-<clientId>`): which photo is current and
 * whether the client's photos were erased. Loading and recording, nothing a use case decides.
 * Commands carry no If-Match (a newer photo simply replaces the current one), so a concurrent
 * append is decided again on the fresh state.
 */
@Injectable()
export class ClientPhotosStream {
  private readonly handler: CommandHandler<ClientPhotosState, ClientPhotosCommand, ClientPhotosEvent>;

  constructor(@Inject(EVENT_STORE) store: EventStore) {
    this.handler = new CommandHandler(store, clientPhotosDecider, clientPhotosEventCodec());
  }

  /** The client's photos in `tenantId`; another chain's stream reads as an empty one. */
  async state(tenantId: string, clientId: string): Promise<ClientPhotosState> {
    return (await this.load(tenantId, clientId)).state;
  }

  /** The state and the stream's revision (undefined: no stream yet). */
  async load(tenantId: string, clientId: string): Promise<{ state: ClientPhotosState; revision: bigint | undefined }> {
    const { state, revision } = await this.handler.load(toClientPhotosStreamName(clientId), tenantId);
    return { state, revision };
  }

  record(clientId: string, command: ClientPhotosCommand): Promise<CommandResult<ClientPhotosState, ClientPhotosEvent>> {
    return this.handler.handle(toClientPhotosStreamName(clientId), command, { conflictRetry: CONTENDED_STREAM });
  }
}
