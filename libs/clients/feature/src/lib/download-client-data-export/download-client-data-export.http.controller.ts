import { Controller, Get, Logger, Param, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { CommandContext, CurrentCommandContext, ParseIdPipe, RateLimit, Roles, SalonScope, ErrorCodes } from '@salon/shared/nest';
import { DownloadClientDataExport } from './download-client-data-export.service';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class DownloadClientDataExportController {
  private readonly logger = new Logger(DownloadClientDataExportController.name);

  constructor(private readonly download: DownloadClientDataExport) {}

  @Get(':clientId/data-export/:requestId/package')
  @Roles('owner', 'manager')
  @RateLimit('bulk')
  @SalonScope('x-salon-id')
  @ApiOperation({
    summary:
      "The client's data package (zip) served by the service itself: every download is recorded (who, when) on the client's " +
      'data-export stream, which the presigned link cannot do. `Repr-Digest` carries the SHA-256 of the zip.',
  })
  @ApiProduces('application/zip')
  @ApiResponse({ status: 200, schema: { type: 'string', format: 'binary' }, description: 'The zip, as an attachment.' })
  @ApiNotFoundResponse({ description: 'data-export-not-found' })
  @ApiConflictResponse({ description: 'data-export-not-ready: the package is pending, refused, expired or discarded.' })
  @ApiServiceUnavailableResponse({ description: 'object-store-unavailable' })
  @ErrorCodes({ 404: ['data-export-not-found'], 409: ['data-export-not-ready'], 503: ['object-store-unavailable'] })
  async get(
    @CurrentCommandContext() context: CommandContext,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Param('requestId', new ParseIdPipe()) requestId: string,
    @Res() response: Response,
  ): Promise<void> {
    const delivered = await this.download.execute(context, clientId, requestId);
    response.status(200);
    response.setHeader('Content-Type', 'application/zip');
    response.setHeader('Content-Length', String(delivered.byteLength));
    response.setHeader('Content-Disposition', `attachment; filename="${delivered.fileName}"`);
    response.setHeader('Repr-Digest', `sha-256=:${Buffer.from(delivered.sha256, 'hex').toString('base64')}:`);
    response.setHeader('Cache-Control', 'no-store');
    try {
      await pipeline(delivered.body, response);
    } catch (error) {
      // The status line is sent: a failure now can only cut the download short (Content-Length tells the client).
      this.logger.error(`Data package ${requestId} cut short: ${error instanceof Error ? error.name : 'unknown error'}`);
      response.destroy();
    }
  }
}
