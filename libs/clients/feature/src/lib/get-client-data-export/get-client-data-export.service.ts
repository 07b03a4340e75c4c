import { Inject, Injectable } from '@nestjs/common';
import { DataExportRequest, dataExportKey } from '@salon/clients/domain';
import { DomainError } from '@salon/shared/ddd';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { ObjectStore } from '@salon/shared/object-store';
import { DATA_EXPORT_SETTINGS, DataExportSettings } from '../client-data-export/client-data-export-settings';
import { DataExportStream } from '../client-data-export/data-export-stream';
import { DATA_EXPORT_STORE } from '../client-data-export/data-export-store';

export interface DataExportStatusView {
  readonly requestId: string;
  readonly status: DataExportRequest['status'];
  readonly requestedAt: string;
  readonly completedAt: string | null;
  /** When the package is deleted. */
  readonly expiresAt: string | null;
  readonly byteLength: number | null;
  readonly sha256: string | null;
  /** Only while ready: a presigned link to the zip, valid `download.expiresAt`. */
  readonly download: { readonly url: string; readonly expiresAt: string; readonly fileName: string } | null;
}

/**
 * Where a data package request stands; when the package is ready, a fresh short-lived download
 * link to it, recorded (who, when, until when) on the client's data-export stream before it is
 * handed out: every link issued is in the audit trail.
 */
@Injectable()
export class GetClientDataExport {
  constructor(
    private readonly exports: DataExportStream,
    @Inject(DATA_EXPORT_STORE) private readonly store: ObjectStore,
    @Inject(DATA_EXPORT_SETTINGS) private readonly settings: DataExportSettings,
  ) {}

  async execute(context: CommandContext, clientId: string, requestId: string): Promise<DataExportStatusView> {
    const tenantId = context.principal.tenantId;
    const found = (await this.exports.state(tenantId, clientId)).requests[requestId];
    if (!found) throw DomainError.notFound('data-export-not-found', 'There is no such data package request for this client.', { requestId });
    const view = {
      requestId,
      status: found.status,
      requestedAt: found.requestedAt,
      completedAt: found.completedAt ?? null,
      expiresAt: found.expiresAt ?? null,
      byteLength: found.byteLength ?? null,
      sha256: found.sha256 ?? null,
    };
    if (found.status !== 'ready') return { ...view, download: null };

    const fileName = `data-package-${requestId}.zip`;
    const lifetimeSeconds = this.linkLifetimeSeconds(found);
    const linkExpiresAt = new Date(Date.now() + lifetimeSeconds * 1000).toISOString();
    // Recorded first: a link is never out without its record (a failed signing leaves a record of a link never used).
    await this.exports.record(clientId, { type: 'IssueDataExportLink', data: { clientId, requestId, linkExpiresAt }, metadata: commandMetadata(context) });
    const { url, expiresAt } = await this.store.link(dataExportKey(tenantId, clientId, requestId), {
      lifetimeSeconds,
      download: { fileName },
      contentType: 'application/zip',
    });
    return { ...view, download: { url, expiresAt: expiresAt.toISOString(), fileName } };
  }

  /** The configured lifetime, never beyond the package's own expiry. */
  private linkLifetimeSeconds(found: DataExportRequest): number {
    const untilExpiry = found.expiresAt ? Math.floor((Date.parse(found.expiresAt) - Date.now()) / 1000) : this.settings.linkLifetimeSeconds;
    return Math.max(1, Math.min(this.settings.linkLifetimeSeconds, untilExpiry));
  }
}
