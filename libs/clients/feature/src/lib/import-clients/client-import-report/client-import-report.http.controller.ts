import { Controller, Get, Logger, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, ErrorCodes, ParseIdPipe, RateLimit, Roles } from '@salon/shared/nest';
import { SHEET_CONTENT_TYPES } from '@salon/shared/spreadsheets';
import { ClientImportReportRequest } from './client-import-report.request.dto';
import { ClientImportReport } from './client-import-report.query';

@ApiTags('client imports')
@ApiBearerAuth()
@Controller('clients/imports')
export class ClientImportReportController {
  private readonly logger = new Logger(ClientImportReportController.name);

  constructor(private readonly report: ClientImportReport) {}

  @Get(':jobId/report')
  @Roles('owner', 'manager')
  @RateLimit('bulk')
  @ApiOperation({ summary: 'The per-row report of the dry run or the import, as csv or xlsx: row number, outcome, client id, field, reason.' })
  @ApiProduces(SHEET_CONTENT_TYPES.csv, SHEET_CONTENT_TYPES.xlsx)
  @ApiResponse({ status: 200, schema: { type: 'string', format: 'binary' }, description: 'The report, as an attachment.' })
  @ErrorCodes({ 404: ['import-not-found'] })
  @ApiNotFoundResponse({ description: 'import-not-found.' })
  async download(
    @CurrentPrincipal() principal: Principal,
    @Param('jobId', new ParseIdPipe()) jobId: string,
    @Query() request: ClientImportReportRequest,
    @Res() response: Response,
  ): Promise<void> {
    const started = await this.report.start(principal.tenantId, jobId, request.format ?? 'csv', request.phase);
    response.status(200);
    response.setHeader('Content-Type', started.contentType);
    response.setHeader('Content-Disposition', `attachment; filename="${started.fileName}"`);
    response.setHeader('Cache-Control', 'no-store');
    try {
      await started.writeTo(response);
    } catch (error) {
      // The status line is sent: a failure now can only cut the download short.
      this.logger.error(`Report of import ${jobId} failed: ${error instanceof Error ? error.name : 'unknown error'}`);
      response.destroy();
    }
  }
}
