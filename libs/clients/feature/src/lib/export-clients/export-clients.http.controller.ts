import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, RateLimit, Roles, currentRequestContext } from '@salon/shared/nest';
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
  // The whole client base in one file: the chain's management, not the front desk.
  @Roles('owner', 'manager')
  @RateLimit('bulk')
  @ApiOperation({
    summary:
      'Download the active clients (with the filters of GET /clients) as xlsx, ods or csv, with the headers the import reads. ' +
      'Erased and deleted clients are not in it. Each export is audited (who, format, kinds of filter, rows).',
  })
  @ApiProduces(...Object.values(SHEET_CONTENT_TYPES))
  @ApiResponse({ status: 200, description: 'The file, as an attachment (Content-Disposition names it clients-<UTC time>.<format>).' })
  async export(@CurrentPrincipal() principal: Principal, @Query() request: ExportClientsRequest, @Res() response: Response): Promise<void> {
    const correlationId = currentRequestContext()?.correlationId ?? randomUUID();
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
      if (!(error instanceof ExportDestinationClosedError)) {
        this.logger.error(`Export ${started.exportId} failed: ${error instanceof Error ? error.name : 'unknown error'}`);
      }
      response.destroy();
    }
  }
}
