import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, ErrorCodes, ParseIdPipe, Roles, SalonScope } from '@salon/shared/nest';
import { ClientImportView } from '../http/client-import.response.dto';
import { NO_PROGRESS } from '../http/no-progress';
import { CancelClientImport } from './cancel-client-import.service';

@ApiTags('client imports')
@ApiBearerAuth()
@Controller('clients/imports')
export class CancelClientImportController {
  constructor(private readonly cancelClientImport: CancelClientImport) {}

  @Post(':jobId/cancel')
  @HttpCode(200)
  @Roles('owner', 'manager')
  @SalonScope('x-salon-id')
  @ApiOperation({ summary: 'Cancel an import job: it stops before its next row; rows already imported stay; the uploaded file is removed.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOkResponse({ type: ClientImportView })
  @ErrorCodes({ 404: ['import-not-found'], 409: ['import-finished'] })
  @ApiConflictResponse({ description: 'import-finished: the import completed or failed.' })
  async cancel(@CurrentCommandContext() context: CommandContext, @Param('jobId', new ParseIdPipe()) jobId: string): Promise<ClientImportView> {
    return ClientImportView.of(await this.cancelClientImport.execute(context, jobId), NO_PROGRESS);
  }
}
