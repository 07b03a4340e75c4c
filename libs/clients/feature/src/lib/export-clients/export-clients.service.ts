import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import {
  ClientBaseExportEvent,
  ClientBaseExportFilterKind,
  ClientBaseExportFormat,
  ExportLanguage,
  clientBaseExportFileName,
  clientBaseExportsStream,
  filterKindsOf,
} from '@salon/clients/domain';
import { Principal } from '@salon/shared/auth';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';
import { SHEET_CONTENT_TYPES, createSheetWriter } from '@salon/shared/spreadsheets';
import { CLIENTS_SETTINGS, ClientsSettings } from '../clients-settings';
import { ClientProfileDocument, ClientProfileQueries } from '../projections/client-profiles';
import { clientBaseHeaderRow, clientBaseRow } from './client-base-row';
import { ExportClientsRequest } from './export-clients.request.dto';

/** Who asks, under which request. */
export interface ExportCaller {
  readonly principal: Principal;
  readonly correlationId: string;
}

/** Where the file goes: a writable stream (the HTTP response) and a promise settled when it is gone. */
export interface ExportDestination {
  readonly out: NodeJS.WritableStream;
  /** Resolves when the destination closed before it finished (the caller went away); never otherwise. */
  readonly closed: Promise<void>;
}

/** An export whose first rows are read and whose start is recorded, ready to be written. */
export interface ClientBaseExport {
  readonly exportId: string;
  readonly fileName: string;
  readonly contentType: string;
  /** Writes every row into the destination; resolves with the row count once the file is complete. */
  writeTo(destination: ExportDestination): Promise<number>;
}

/** The destination closed before the last row: the caller went away. */
export class ExportDestinationClosedError extends Error {
  constructor() {
    super('The export was closed by the caller before its last row');
  }
}

/**
 * The client base as a spreadsheet, streamed from the profile read model: one batch of
 * clients in memory at a time, the next read only once the destination took the last row
 * (the writer waits for the response to drain). Active clients only. Audited on the chain's
 * `clientBaseExports-<tenant>` stream: started before the first row, then exported (with the
 * row count) or failed.
 */
@Injectable()
export class ExportClients {
  constructor(
    private readonly profiles: ClientProfileQueries,
    @Inject(CLIENTS_SETTINGS) private readonly settings: ClientsSettings,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /**
   * Reads the first client before anything is answered, so that a filter the query refuses (a
   * phone without digits) is a 400 rather than a broken download.
   */
  async start(caller: ExportCaller, request: ExportClientsRequest, now = new Date()): Promise<ClientBaseExport> {
    const format: ClientBaseExportFormat = request.format ?? 'csv';
    const language: ExportLanguage = request.language ?? 'pl';
    const { name, phone, email, hasEmail, marketingConsent, createdFrom, createdTo } = request;
    const clients = this.profiles.activeClientsMatching(caller.principal.tenantId, {
      text: name,
      phone,
      email,
      hasEmail,
      marketingConsent,
      createdFrom: createdFrom ? new Date(createdFrom) : undefined,
      createdTo: createdTo ? new Date(createdTo) : undefined,
      defaultCountry: this.settings.defaultPhoneCountry,
    });
    const first = await clients.next();

    const audit = new ExportAudit(this.store, caller, {
      exportId: randomUUID(),
      by: caller.principal.userId,
      role: caller.principal.roles.find((role) => role === 'owner' || role === 'manager') ?? String(caller.principal.roles[0]),
      format,
      language,
      filters: filterKindsOf({ name, phone, email, hasEmail, marketingConsent, createdFrom, createdTo }),
    });
    try {
      await audit.record('ClientBaseExportStarted');
    } catch (error) {
      await clients.return(undefined);
      throw error;
    }

    return {
      exportId: audit.facts.exportId,
      fileName: clientBaseExportFileName(now, format),
      contentType: SHEET_CONTENT_TYPES[format],
      writeTo: async (destination) => {
        let rows = 0;
        // A flag, not a race of each step against `destination.closed`: every race leaves a
        // reaction on that pending promise holding the step's result (a client's document), so
        // 100,000 rows kept 100,000 documents alive until the end of the export. A destination
        // that is destroyed makes the writer's pending writeRow reject, so nothing waits for ever:
        // a destination reported closed is destroyed here, in case it was only reported so.
        let gone = false;
        void destination.closed.then(() => {
          gone = true;
          (destination.out as Partial<Writable>).destroy?.();
        });
        const stopIfGone = () => {
          if (gone) throw new ExportDestinationClosedError();
        };
        try {
          const writer = createSheetWriter(format, destination.out, { sheetName: 'Clients' });
          await writer.writeRow(clientBaseHeaderRow(language));
          for (let next = first; !next.done; next = await clients.next()) {
            stopIfGone();
            await writer.writeRow(clientBaseRow(next.value as ClientProfileDocument, language));
            rows += 1;
          }
          await writer.end();
          stopIfGone();
        } catch (thrown) {
          const error = gone && !(thrown instanceof ExportDestinationClosedError) ? new ExportDestinationClosedError() : thrown;
          await clients.return(undefined);
          // The started marker is recorded already: a failed marker lost with the store leaves the
          // export as started and never finished, which is what it is.
          await audit
            .record('ClientBaseExportFailed', { rows, reason: error instanceof ExportDestinationClosedError ? 'client-disconnected' : 'failed' })
            .catch(() => undefined);
          throw error;
        }
        await audit.record('ClientBaseExported', { rows });
        return rows;
      },
    };
  }
}

type ExportAuditFacts = Omit<ClientBaseExportEvent['data'], 'at' | 'rows' | 'reason'>;

/** The audit trail of one export: ids, counts and filter kinds only, never a value of a client or a filter. */
class ExportAudit {
  constructor(
    private readonly store: EventStore,
    private readonly caller: ExportCaller,
    readonly facts: ExportAuditFacts & { readonly filters: readonly ClientBaseExportFilterKind[] },
  ) {}

  async record(type: ClientBaseExportEvent['type'], outcome: { rows?: number; reason?: string } = {}): Promise<void> {
    const { tenantId, userId } = this.caller.principal;
    await this.store.appendToStream(
      clientBaseExportsStream(tenantId),
      [
        {
          id: randomUUID(),
          type,
          data: { ...this.facts, ...outcome, at: new Date().toISOString() },
          metadata: { tenantId, actorId: userId, correlationId: this.caller.correlationId, causationId: this.caller.correlationId, schemaVersion: 1 },
        },
      ],
      // Exports of a chain are independent facts: no order between them to keep.
      { expectedRevision: 'any' },
    );
  }
}
