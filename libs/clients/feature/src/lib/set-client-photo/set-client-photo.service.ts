import { Injectable } from '@nestjs/common';
import { CONTENDED_STREAM } from '@salon/shared/event-sourcing';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { ClientStream, WriteResult } from '../client-stream/client-stream';

/**
 * The media context stored a photo and asks to make it the client's: decided on the client's own
 * stream, so the client must exist in the caller's chain and be active right now (a deletion or
 * erasure appended before is seen; one appended after removes the photo with everything else).
 * Any other append to the stream (a visit noted) is not this caller's conflict: decided again.
 */
@Injectable()
export class SetClientPhoto {
  constructor(private readonly clients: ClientStream) {}

  execute(context: CommandContext, clientId: string, photoRef: string): Promise<WriteResult> {
    return this.clients.record(
      clientId,
      { type: 'SetClientPhoto', data: { clientId, photoRef }, metadata: commandMetadata(context) },
      { conflictRetry: CONTENDED_STREAM },
    );
  }
}
