import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, ParseIdPipe, Roles, SalonScope, ErrorCodes } from '@salon/shared/nest';
import { DataExportStatusView, GetClientDataExport } from './get-client-data-export.service';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class GetClientDataExportController {
  constructor(private readonly getClientDataExport: GetClientDataExport) {}

  @Get(':clientId/data-export/:requestId')
  @Roles('owner', 'manager')
  @SalonScope('x-salon-id')
  @ApiOperation({
    summary:
      "Where the client's data package stands (pending, ready, refused, expired, discarded); when ready, a short-lived presigned " +
      'download link to the zip. Every link issued is recorded (who, when) on the client.',
  })
  @ApiOkResponse({
    schema: {
      example: { requestId: 'uuid', status: 'ready', requestedAt: '…', completedAt: '…', expiresAt: '…', byteLength: 1234, sha256: 'hex', download: { url: 'https://…', expiresAt: '…', fileName: 'data-package-uuid.zip' } },
    },
  })
  @ApiNotFoundResponse({ description: 'data-export-not-found' })
  @ErrorCodes({ 404: ['data-export-not-found'], 409: ['data-export-not-ready'], 503: ['object-store-unavailable'] })
  get(
    @CurrentCommandContext() context: CommandContext,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Param('requestId', new ParseIdPipe()) requestId: string,
  ): Promise<DataExportStatusView> {
    return this.getClientDataExport.execute(context, clientId, requestId);
  }
}
