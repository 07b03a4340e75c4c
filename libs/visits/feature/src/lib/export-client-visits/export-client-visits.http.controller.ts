import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, ParseIdPipe, Roles, ErrorCodes } from '@salon/shared/nest';
import { ClientVisitsExportPage, ExportClientVisits, VISIT_EXPORT_PAGE_SIZE } from './export-client-visits.query';

@ApiTags('visits')
@ApiBearerAuth()
@Controller('clients')
export class ExportClientVisitsController {
  constructor(private readonly exportClientVisits: ExportClientVisits) {}

  @Get(':clientId/personal-data')
  @Roles('service:clients')
  @ApiOperation({
    summary:
      `The client's visits for their data package, ${VISIT_EXPORT_PAGE_SIZE} a page, oldest first, each with every event of its stream. ` +
      'Internal: called by the clients service with its service token (role service:clients); any user token gets 403.',
  })
  @ApiQuery({ name: 'cursor', required: false, description: 'The opaque nextCursor of the previous page.' })
  @ApiOkResponse({ schema: { example: { clientId: 'uuid', visits: [], events: [], nextCursor: null } } })
  @ErrorCodes({
    400: ['invalid-sort', 'invalid-salonId', 'invalid-specialistId', 'invalid-serviceId', 'invalid-q', 'invalid-status', 'invalid-date-range', 'invalid-date'],
    404: [],
  })
  export(
    @CurrentPrincipal() principal: Principal,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Query('cursor') cursor?: string,
  ): Promise<ClientVisitsExportPage> {
    return this.exportClientVisits.execute(principal.tenantId, clientId, typeof cursor === 'string' && cursor !== '' ? cursor : undefined);
  }
}
