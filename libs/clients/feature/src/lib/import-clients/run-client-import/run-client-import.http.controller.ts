import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, ErrorCodes, ParseIdPipe, RateLimit, Roles, SalonScope } from '@salon/shared/nest';
import { ClientImportView } from '../http/client-import.response.dto';
import { NO_PROGRESS } from '../http/no-progress';
import { RunClientImportRequest } from './run-client-import.request.dto';
import { RunClientImport } from './run-client-import.service';

@ApiTags('client imports')
@ApiBearerAuth()
@Controller('clients/imports')
export class RunClientImportController {
  constructor(private readonly runClientImport: RunClientImport) {}

  @Post(':jobId/run')
  @HttpCode(202)
  @Roles('owner', 'manager')
  @SalonScope('x-salon-id')
  @RateLimit('bulk')
  @ApiOperation({
    summary:
      'Start the import in the background (after a completed dry run). Each row is recorded with a key made of the job and the row, ' +
      'so a retried or resumed import records nothing twice. Follow it with GET /clients/imports/{jobId}.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiAcceptedResponse({ type: ClientImportView })
  @ErrorCodes({ 404: ['import-not-found'], 409: ['import-in-wrong-state', 'import-file-removed'] })
  @ApiConflictResponse({ description: 'import-in-wrong-state (no completed dry run of the current mapping), import-file-removed.' })
  async run(
    @CurrentCommandContext() context: CommandContext,
    @Param('jobId', new ParseIdPipe()) jobId: string,
    @Body() request: RunClientImportRequest,
  ): Promise<ClientImportView> {
    return ClientImportView.of(await this.runClientImport.execute(context, jobId, request.existingClients), NO_PROGRESS);
  }
}
