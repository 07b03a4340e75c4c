import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, ParseIdPipe, RateLimit, Roles, SalonScope, ErrorCodes } from '@salon/shared/nest';
import { RequestClientDataExportRequest } from './request-client-data-export.request.dto';
import { DataExportRequestResult, RequestClientDataExport } from './request-client-data-export.service';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class RequestClientDataExportController {
  constructor(private readonly requestClientDataExport: RequestClientDataExport) {}

  @Post(':clientId/data-export')
  @HttpCode(202)
  @Roles('owner', 'manager')
  @RateLimit('bulk')
  @SalonScope('x-salon-id')
  @ApiOperation({
    summary:
      "Start the client's data package (GDPR Art. 15 access, Art. 20 portability): one zip with the profile, visits, statistics, " +
      'consents, the whole history and the photos, made in the background. Follow it with GET /clients/{id}/data-export/{requestId}.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key starts nothing twice (same requestId).' })
  @ApiAcceptedResponse({ schema: { example: { requestId: 'uuid', status: 'pending' } } })
  @ApiConflictResponse({ description: 'client-erased, client-deleted: the personal data is gone, there is nothing to export.' })
  @ErrorCodes({ 404: ['client-not-found'], 409: ['client-erased', 'client-deleted'] })
  request(
    @CurrentCommandContext() context: CommandContext,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Body() request: RequestClientDataExportRequest = {},
  ): Promise<DataExportRequestResult> {
    return this.requestClientDataExport.execute(context, clientId, request.language);
  }
}
