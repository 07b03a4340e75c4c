import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, ErrorCodes, ParseIdPipe, Roles } from '@salon/shared/nest';
import { ClientImportView } from '../http/client-import.response.dto';
import { GetClientImport } from './get-client-import.query';

@ApiTags('client imports')
@ApiBearerAuth()
@Controller('clients/imports')
export class GetClientImportController {
  constructor(private readonly getClientImport: GetClientImport) {}

  // The standard rate-limit class, not `bulk`: the page polls it for the progress while the job runs.
  @Get(':jobId')
  @Roles('owner', 'manager')
  @ApiOperation({ summary: 'An import job: its status, mapping and progress (rows done of total, created, updated, skipped, refused), readable while it runs.' })
  @ApiOkResponse({ type: ClientImportView })
  @ErrorCodes({ 404: ['import-not-found'] })
  @ApiNotFoundResponse({ description: 'import-not-found: no such import in your chain.' })
  get(@CurrentPrincipal() principal: Principal, @Param('jobId', new ParseIdPipe()) jobId: string): Promise<ClientImportView> {
    return this.getClientImport.execute(principal.tenantId, jobId);
  }
}
