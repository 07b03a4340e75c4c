import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, ErrorCodes, RateLimit, Roles, currentRequestContext } from '@salon/shared/nest';
import { SHEET_CONTENT_TYPES } from '@salon/shared/spreadsheets';
import { randomUUID } from 'node:crypto';
import { ExportClients, ExportDestinationClosedError } from './export-clients.service';
import { ExportClientsRequest } from './export-clients.request.dto';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class ExportClientsController {
  private readonly logger = new Logger(ExportClientsController.name);

  constructor(private readonly exportClients: ExportClients) {}

  @Get('export')
  @ErrorCodes({ 400: ['invalid-phone', 'invalid-date'] })
  // The whole client base in one file: the chain's management, not the front desk.
  @Roles('owner', 'manager')
  @RateLimit('bulk')
  @ApiOperation({
    summary:
      'Download the active clients (with the filters of GET /clients) as xlsx, ods or csv, with the headers the import reads. ' +
      'Erased and deleted clients are not in it. Each export is audited (who, format, kinds of filter, rows).',
  })
  @ApiProduces(...Object.values(SHEET_CONTENT_TYPES))
  @ApiResponse({
    status: 200,
    schema: { type: 'string', format: 'binary' },
    description:
      'The file, as an attachment (Content-Disposition names it clients-<UTC time>.<format>), chunked. Should the read model ' +
      'fail once the file has begun, the connection is cut before the last chunk: the client sees an incomplete transfer, ' +
      'never a shorter file that looks complete.',
  })
  @ApiResponse({
    status: 503,
    description: 'read-model-unavailable: the client base (MongoDB) cannot be read just now; nothing was exported or audited. Retry-After says when to ask again.',
  })
  async export(@CurrentPrincipal() principal: Principal, @Query() request: ExportClientsRequest, @Res() response: Response): Promise<void> {
    const correlationId = currentRequestContext()?.correlationId ?? randomUUID();
    // Before the first byte, an unreachable read model is HttpErrorFilter's 503 read-model-unavailable with Retry-After.
    const started = await this.exportClients.start({ principal, correlationId }, request);
    response.status(200);
    response.setHeader('Content-Type', started.contentType);
    response.setHeader('Content-Disposition', `attachment; filename="${started.fileName}"`);
    // Personal data: never kept by a browser or a proxy.
    response.setHeader('Cache-Control', 'no-store');
    // 'close' also follows a finished response: only a close before 'finish' is the caller going away.
    const closed = new Promise<void>((resolve) => response.once('close', () => (response.writableFinished ? undefined : resolve())));
    try {
      await started.writeTo({ out: response, closed });
      if (!response.writableEnded) response.end();
    } catch (error) {
      // The status line is sent: a failure now can only cut the download short, never become an error body.
      // Destroying the socket ends the chunked body without its last (zero-length) chunk, which
      // every HTTP client reports as an incomplete transfer (curl exit 18, a browser's "network
      // error"); ending it normally would leave a shorter file that looks complete.
      if (!(error instanceof ExportDestinationClosedError)) {
        this.logger.error(`Export ${started.exportId} failed: ${error instanceof Error ? error.name : 'unknown error'}`);
      }
      response.destroy();
    }
  }
}
