import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { dataExportKey } from '@salon/clients/domain';
import { DomainError } from '@salon/shared/ddd';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { ObjectStore } from '@salon/shared/object-store';
import { DataExportStream } from '../client-data-export/data-export-stream';
import { DATA_EXPORT_STORE } from '../client-data-export/data-export-store';

export interface DeliveredDataPackage {
  readonly fileName: string;
  readonly byteLength: number;
  /** Hex SHA-256 of the stored zip, as the status shows it. */
  readonly sha256: string;
  readonly body: Readable;
}

/**
 * The zip handed out by the service itself, so that each download is on the client's
 * data-export stream with who and when (a presigned link's uses are seen only by the store).
 * The object is opened first and the delivery recorded before its first byte is sent: no
 * download without its record, and no record of a download the store could not serve.
 */
@Injectable()
export class DownloadClientDataExport {
  constructor(
    private readonly exports: DataExportStream,
    @Inject(DATA_EXPORT_STORE) private readonly store: ObjectStore,
  ) {}

  async execute(context: CommandContext, clientId: string, requestId: string): Promise<DeliveredDataPackage> {
    const tenantId = context.principal.tenantId;
    const found = (await this.exports.state(tenantId, clientId)).requests[requestId];
    if (!found) throw DomainError.notFound('data-export-not-found', 'There is no such data package request for this client.', { requestId });
    if (found.status !== 'ready' || found.byteLength === undefined || found.sha256 === undefined) {
      throw DomainError.conflict('data-export-not-ready', `The data package is ${found.status}: there is nothing to download.`, { requestId, status: found.status });
    }
    const body = await this.store.get(dataExportKey(tenantId, clientId, requestId));
    try {
      // The decider checks readiness again against the stream's latest state (an expiry may have come in between).
      await this.exports.record(clientId, { type: 'DeliverDataExport', data: { clientId, requestId }, metadata: commandMetadata(context) });
    } catch (error) {
      body.destroy();
      throw error;
    }
    return { fileName: `data-package-${requestId}.zip`, byteLength: found.byteLength, sha256: found.sha256, body };
  }
}
