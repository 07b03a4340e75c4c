import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, ErrorCodes, ParseIdPipe, Roles, SalonScope } from '@salon/shared/nest';
import { ClientImportView } from '../http/client-import.response.dto';
import { NO_PROGRESS } from '../http/no-progress';
import { ChangeImportMappingRequest } from './change-import-mapping.request.dto';
import { ChangeImportMapping } from './change-import-mapping.service';

@ApiTags('client imports')
@ApiBearerAuth()
@Controller('clients/imports')
export class ChangeImportMappingController {
  constructor(private readonly changeImportMapping: ChangeImportMapping) {}

  @Put(':jobId/mapping')
  @Roles('owner', 'manager')
  @SalonScope('x-salon-id')
  @ApiOperation({ summary: "Replace the import's column mapping (before the import starts). A dry run must follow." })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOkResponse({ type: ClientImportView })
  @ApiBadRequestResponse({ description: 'invalid-mapping: an unknown field, a field or column twice, a column outside the file, no phone.' })
  @ErrorCodes({ 400: ['invalid-mapping'], 404: ['import-not-found'], 409: ['import-in-wrong-state'] })
  @ApiConflictResponse({ description: 'import-in-wrong-state: a dry run or the import runs, or it is finished.' })
  async change(
    @CurrentCommandContext() context: CommandContext,
    @Param('jobId', new ParseIdPipe()) jobId: string,
    @Body() request: ChangeImportMappingRequest,
  ): Promise<ClientImportView> {
    const job = await this.changeImportMapping.execute(context, jobId, request.mapping.map(({ column, field }) => ({ column, field })));
    return ClientImportView.of(job, NO_PROGRESS);
  }
}
