import { Controller, HttpException, HttpStatus, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CommandContext, CurrentCommandContext, ErrorCodes, RateLimit, Roles, SalonScope } from '@salon/shared/nest';
import { ClientImportView } from '../http/client-import.response.dto';
import { NO_PROGRESS } from '../http/no-progress';
import { UploadClientImportRequest } from './upload-client-import.request.dto';
import { UploadClientImport } from './upload-client-import.service';

/** What an upload may declare: the spreadsheet types, text, or "unknown" (the bytes decide). */
export const IMPORT_CONTENT_TYPES = [
  'text/csv',
  'text/plain',
  'application/csv',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/octet-stream',
] as const;

@ApiTags('client imports')
@ApiBearerAuth()
@Controller('clients/imports')
export class UploadClientImportController {
  constructor(private readonly uploadClientImport: UploadClientImport) {}

  @Post()
  @Roles('owner', 'manager')
  @SalonScope('x-salon-id')
  @RateLimit('bulk')
  @ApiOperation({
    summary:
      'Upload a client spreadsheet (csv, xlsx or ods) to import: the request body is the file itself (raw, not multipart). ' +
      'Opens an import job with the headers mapped to fields; nothing is imported until a dry run and a run. ' +
      'At most IMPORT_MAX_FILE_BYTES bytes.',
  })
  @ApiConsumes(...IMPORT_CONTENT_TYPES)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried upload with the same key opens the same job.' })
  @ApiCreatedResponse({ type: ClientImportView, description: 'Location header: the job.' })
  @ApiBadRequestResponse({ description: 'empty-body, empty-file, corrupt-file.' })
  @ErrorCodes({ 400: ['empty-body', 'empty-file', 'corrupt-file'], 413: ['payload-too-large', 'zip-bomb', 'too-many-rows', 'too-many-columns'], 415: ['unsupported-type', 'unsupported-format', 'unsupported-encoding'] })
  @ApiPayloadTooLargeResponse({ description: 'payload-too-large (naming the limit), zip-bomb, too-many-rows, too-many-columns.' })
  @ApiUnsupportedMediaTypeResponse({ description: 'unsupported-format, unsupported-encoding, or a Content-Type that is no spreadsheet type.' })
  async upload(
    @CurrentCommandContext() context: CommandContext,
    @Query() query: UploadClientImportRequest,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ClientImportView> {
    refuseUndeclaredTypes(request);
    const job = await this.uploadClientImport.execute(context, request, query.fileName);
    response.status(201).setHeader('Location', `/clients/imports/${job.jobId}`);
    return ClientImportView.of(job, NO_PROGRESS);
  }
}

/** A body that is no spreadsheet at all (JSON, a form) is refused before a byte is read. */
function refuseUndeclaredTypes(request: Request): void {
  const declared = (request.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if ((IMPORT_CONTENT_TYPES as readonly string[]).includes(declared)) return;
  request.resume();
  throw new HttpException(
    {
      statusCode: 415,
      error: 'unsupported-type',
      message: `The body must be the spreadsheet file itself, with its type as Content-Type (${IMPORT_CONTENT_TYPES.join(', ')}).`,
      errors: [{ field: 'Content-Type', reason: 'must be a spreadsheet type: csv, xlsx or ods' }],
    },
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  );
}
