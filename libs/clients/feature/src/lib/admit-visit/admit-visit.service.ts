import { Injectable } from '@nestjs/common';
import { CONTENDED_STREAM } from '@salon/shared/event-sourcing';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { ClientStream, WriteResult } from '../client-stream/client-stream';

/**
 * The visits context asks before it records a booking, and the visits policy tells again for
 * every visit booked. Noting the visit on the client's own stream is what closes the race with a
 * deletion: both append with the revision they read, and the one appended second is decided again
 * on the new state — a deletion after an admission is refused (client-has-visits), an admission
 * after a deletion is refused (client-deleted). Several desks may book the same client at once,
 * and every one appends to this client's stream: a conflict is decided again on the new state
 * (noting is idempotent), as on any contended stream.
 */
@Injectable()
export class AdmitVisit {
  constructor(private readonly clients: ClientStream) {}

  execute(context: CommandContext, clientId: string, visitId: string): Promise<WriteResult> {
    return this.clients.record(
      clientId,
      { type: 'NoteClientVisit', data: { clientId, visitId }, metadata: commandMetadata(context) },
      { conflictRetry: CONTENDED_STREAM },
    );
  }
}
