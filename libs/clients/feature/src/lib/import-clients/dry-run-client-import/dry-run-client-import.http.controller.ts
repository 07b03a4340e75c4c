import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, ErrorCodes, ParseIdPipe, RateLimit, Roles, SalonScope } from '@salon/shared/nest';
import { ExistingClientsRequest } from '../http/existing-clients.request.dto';
import { ClientImportView } from '../http/client-import.response.dto';
import { NO_PROGRESS } from '../http/no-progress';
import { DryRunClientImport } from './dry-run-client-import.service';

@ApiTags('client imports')
@ApiBearerAuth()
@Controller('clients/imports')
export class DryRunClientImportController {
  constructor(private readonly dryRunClientImport: DryRunClientImport) {}

  @Post(':jobId/dry-run')
  @HttpCode(202)
  @Roles('owner', 'manager')
  @SalonScope('x-salon-id')
  @RateLimit('bulk')
  @ApiOperation({
    summary:
      'Start the dry run in the background: every row is validated with the rules of registration and classified ' +
      '(create, update, skip-duplicate-in-file, skip-existing, refused with field and reason); nothing is recorded. ' +
      'Follow it with GET /clients/imports/{jobId}; the report lists every row.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiAcceptedResponse({ type: ClientImportView })
  @ErrorCodes({ 404: ['import-not-found'], 409: ['import-in-wrong-state', 'import-file-removed'] })
  @ApiConflictResponse({ description: 'import-in-wrong-state, import-file-removed.' })
  async dryRun(
    @CurrentCommandContext() context: CommandContext,
    @Param('jobId', new ParseIdPipe()) jobId: string,
    @Body() request: ExistingClientsRequest,
  ): Promise<ClientImportView> {
    return ClientImportView.of(await this.dryRunClientImport.execute(context, jobId, request.existingClients ?? 'skip'), NO_PROGRESS);
  }
}
