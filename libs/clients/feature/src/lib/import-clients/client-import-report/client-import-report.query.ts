import { Injectable } from '@nestjs/common';
import { CellValue, SHEET_CONTENT_TYPES, createSheetWriter } from '@salon/shared/spreadsheets';
import { ClientImportJobs } from '../client-import-jobs';
import { ClientImportRows, ImportPhase } from '../client-import-rows';
import { GetClientImport } from '../get-client-import/get-client-import.query';
import { ReportFormat } from './client-import-report.request.dto';

export const REPORT_HEADERS = ['Row', 'Outcome', 'Client id', 'Field', 'Reason'] as const;

/**
 * The per-row report of a dry run or an import: row number, outcome, client id, field and reason,
 * one line per problem of a row (or one line for a row without any). Streamed from the rows
 * collection through one cursor; it holds no value of the file.
 */
@Injectable()
export class ClientImportReport {
  constructor(
    private readonly jobs: ClientImportJobs,
    private readonly rows: ClientImportRows,
    private readonly getClientImport: GetClientImport,
  ) {}

  async start(tenantId: string, jobId: string, format: ReportFormat, phase?: ImportPhase) {
    const job = await this.jobs.job(tenantId, jobId);
    const reported = phase ?? (await this.getClientImport.phaseOf(tenantId, job));
    return {
      contentType: SHEET_CONTENT_TYPES[format],
      fileName: `import-${jobId}-${reported}.${format}`,
      writeTo: async (out: NodeJS.WritableStream) => {
        const writer = createSheetWriter(format, out, { sheetName: 'Report' });
        await writer.writeRow(REPORT_HEADERS);
        for await (const { row, outcome, clientId, problems } of this.rows.inOrder(tenantId, jobId, reported)) {
          const lines: CellValue[][] = problems.length === 0 ? [[row, outcome, clientId ?? null, null, null]] : problems.map((problem) => [row, outcome, clientId ?? null, problem.field, problem.reason]);
          for (const line of lines) await writer.writeRow(line);
        }
        await writer.end();
      },
    };
  }
}
