import { randomUUID } from 'node:crypto';
import { open, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ClientImportJob, ImportCell, headerText, mapHeaders } from '@salon/clients/domain';
import { deterministicUuid } from '@salon/shared/event-sourcing';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { SheetFormat, SpreadsheetError, detectSheetFormat, readSheet } from '@salon/shared/spreadsheets';
import { ClientImportJobs } from '../client-import-jobs';
import { CLIENT_IMPORT_SETTINGS, ClientImportSettings, readLimitsOf } from '../client-import-settings';
import { ImportFileStore } from '../import-file-store';
import { importFileTooLarge, saveImportUpload } from './import-upload-body';

const HEAD_BYTES = 64 * 1024;

/**
 * Takes an uploaded spreadsheet: saves it to disk while counting its bytes, tells its format from
 * the bytes (agreeing with the file name), reads it once to the end (a file that cannot be read
 * is refused now, not half-way through the import) for its header row and its number of rows,
 * maps the headers, stores the file in the object store and opens the job.
 */
@Injectable()
export class UploadClientImport {
  constructor(
    private readonly jobs: ClientImportJobs,
    private readonly files: ImportFileStore,
    @Inject(CLIENT_IMPORT_SETTINGS) private readonly settings: ClientImportSettings,
  ) {}

  async execute(context: CommandContext, request: Request, fileName: string | undefined): Promise<ClientImportJob> {
    const tenantId = context.principal.tenantId;
    // A retried upload (same Idempotency-Key) lands on the same job.
    const jobId = context.idempotencyKey ? deterministicUuid(tenantId, 'client-import', context.idempotencyKey) : randomUUID();
    const { state: before } = await this.jobs.load(tenantId, jobId);
    if (before.status !== 'none') {
      // A retry answers with the job it opened; its file is never replaced by the retry's body.
      request.resume();
      return before;
    }
    const directory = await mkdtemp(join(tmpdir(), 'client-import-upload-'));
    try {
      const path = join(directory, 'file');
      const size = await saveImportUpload(request, path, this.settings.maxFileBytes);
      if (size === 0) throw badFile(400, 'empty-body', 'The request body is the spreadsheet file; it was empty.', 'must be a csv, xlsx or ods file');
      const format = detectSheetFormat(await headOf(path), fileName);
      if (format === undefined) {
        throw badFile(
          415,
          'unsupported-format',
          'The file is not a csv, xlsx or ods spreadsheet (or its content does not agree with the file name).',
          'must be a csv, xlsx or ods file',
        );
      }
      const { headers, rowsTotal } = await this.readOnce(path, format);
      const { mapping, unknown } = mapHeaders(headers);
      // Job events are kept for ever and no erasure reaches them: a first row that names no phone
      // column is most likely a client's data rather than headers (a file without a header row),
      // so none of its texts is recorded; the mapping is then given by column numbers.
      const isHeaderRow = mapping.some(({ field }) => field === 'phone');
      const fileKey = this.files.keyOf(tenantId, jobId);
      await this.files.save(fileKey, path, size);
      const state = await this.jobs.record(jobId, {
        type: 'UploadClientImport',
        data: {
          jobId,
          format,
          fileKey,
          headers: headers.map((cell) => (isHeaderRow ? headerText(cell) : '')),
          mapping,
          unknownColumns: isHeaderRow ? unknown : unknown.map(({ column }) => ({ column, header: '' })),
          rowsTotal,
          fileExpiresAt: new Date(Date.now() + this.settings.fileRetentionMs),
        },
        metadata: commandMetadata(context),
      });
      if (state.status === 'none') throw new Error('The upload recorded no job');
      return state;
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }

  private async readOnce(path: string, format: SheetFormat): Promise<{ headers: readonly ImportCell[]; rowsTotal: number }> {
    let headers: readonly ImportCell[] | undefined;
    let rowsTotal = 0;
    try {
      for await (const row of readSheet(path, format, readLimitsOf(this.settings))) {
        if (headers === undefined) headers = row.cells;
        else rowsTotal++;
      }
    } catch (error) {
      if (error instanceof SpreadsheetError) throw spreadsheetRefusal(error, this.settings.maxFileBytes);
      throw error;
    }
    if (headers === undefined) {
      throw badFile(400, 'empty-file', 'The spreadsheet has no rows: its first row names the columns.', 'must have a header row');
    }
    return { headers, rowsTotal };
  }
}

async function headOf(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

function badFile(status: number, error: string, message: string, reason: string): HttpException {
  return new HttpException({ statusCode: status, error, message, errors: [{ field: 'body', reason }] }, status);
}

/** The reader's refusal as a 4xx; its message names a limit or a fault of the file, never a cell. */
function spreadsheetRefusal(error: SpreadsheetError, maxFileBytes: number): HttpException {
  switch (error.code) {
    case 'file-too-large':
      return importFileTooLarge(maxFileBytes);
    case 'zip-bomb':
    case 'too-many-rows':
    case 'too-many-columns':
      return badFile(HttpStatus.PAYLOAD_TOO_LARGE, error.code, error.message, error.message);
    case 'unsupported-format':
    case 'unsupported-encoding':
      return badFile(HttpStatus.UNSUPPORTED_MEDIA_TYPE, error.code, error.message, error.message);
    case 'corrupt-file':
      return badFile(HttpStatus.BAD_REQUEST, error.code, error.message, error.message);
  }
}
