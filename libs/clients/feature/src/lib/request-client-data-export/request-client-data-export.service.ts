import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ClientStanding, ClientState, DataPackageLanguage } from '@salon/clients/domain';
import { deterministicUuid } from '@salon/shared/event-sourcing';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { ClientStream } from '../client-stream/client-stream';
import { DataExportStream } from '../client-data-export/data-export-stream';

export interface DataExportRequestResult {
  readonly requestId: string;
  readonly status: 'pending' | 'ready' | 'refused' | 'expired' | 'discarded';
}

/**
 * Asks for the client's data package (GDPR Art. 15/20): records the request on the client's
 * data-export stream, with who asked; the package is made in the background
 * (BuildClientDataPackage, run by a follow-up of that stream, so a restart finishes it). The
 * client's standing is read from the client's own stream: an erased or deleted client is 409.
 */
@Injectable()
export class RequestClientDataExport {
  constructor(
    private readonly clients: ClientStream,
    private readonly exports: DataExportStream,
  ) {}

  async execute(context: CommandContext, clientId: string, language?: DataPackageLanguage): Promise<DataExportRequestResult> {
    const tenantId = context.principal.tenantId;
    const client = standingOf(await this.clients.state(tenantId, clientId));
    // With an Idempotency-Key the request id is derived from it: a retry names the same request.
    const requestId = context.idempotencyKey ? deterministicUuid(tenantId, 'client-data-export', clientId, context.idempotencyKey) : randomUUID();
    const state = await this.exports.record(clientId, { type: 'RequestDataExport', data: { clientId, requestId, client, ...(language ? { language } : {}) }, metadata: commandMetadata(context) });
    return { requestId, status: state.requests[requestId].status };
  }
}

export function standingOf(state: ClientState): ClientStanding {
  return state.status === 'active' ? 'active' : state.status;
}
