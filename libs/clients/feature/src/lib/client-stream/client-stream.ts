import { Inject, Injectable } from '@nestjs/common';
import { ClientCommand, ClientEvent, ClientState, clientDecider, clientEventCatalog, clientIdOfStream, toClientStreamName } from '@salon/clients/domain';
import { PersonalDataCipher } from '@salon/shared/crypto';
import { DomainError } from '@salon/shared/ddd';
import { CommandHandler, EventCodec, HandleCommandOptions } from '@salon/shared/event-sourcing';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';

export interface WriteResult {
  readonly clientId: string;
  /** The stream revision after the command: the ETag for the next If-Match. */
  readonly revision: bigint | undefined;
}

/**
 * One stream per client (`client-<clientId>`), every rule of a single client in clientDecider:
 * what every client use case shares — loading and recording — and nothing a single use case
 * decides. Rules that span streams (phone reservations, archive numbers, data keys) live in the
 * use cases.
 */
@Injectable()
export class ClientStream {
  private readonly handler: CommandHandler<ClientState, ClientCommand, ClientEvent>;

  constructor(@Inject(EVENT_STORE) store: EventStore, cipher: PersonalDataCipher) {
    this.handler = new CommandHandler(store, clientDecider, new EventCodec(clientEventCatalog, cipher, clientIdOfStream));
  }

  /** The client's state, revision and decoded events; another chain's client reads as missing (404). */
  load(tenantId: string, clientId: string): Promise<{ state: ClientState; revision: bigint | undefined; history: readonly ClientEvent[] }> {
    return this.handler.load(toClientStreamName(clientId), tenantId);
  }

  /** The client's current state, from its own stream (never from a read model, which may lag). */
  async state(tenantId: string, clientId: string): Promise<ClientState> {
    return (await this.load(tenantId, clientId)).state;
  }

  /** Decides the command on the client's stream and appends what it decided. */
  async record(clientId: string, command: ClientCommand, options?: HandleCommandOptions): Promise<WriteResult> {
    const result = await this.handler.handle(toClientStreamName(clientId), command, options);
    return { clientId, revision: result.revision };
  }
}

export function clientNotFound(clientId: string): DomainError {
  return DomainError.notFound('client-not-found', 'There is no such client in your salon chain.', { clientId });
}
