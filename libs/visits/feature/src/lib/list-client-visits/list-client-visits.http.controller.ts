import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@salon/shared/auth';
import { DomainError } from '@salon/shared/ddd';
import { CurrentPrincipal, RateLimit, Roles, ParseIdPipe, ErrorCodes } from '@salon/shared/nest';
import { ClientVisitPage, ClientVisitQueries } from '../projections/client-visits/client-visit.queries';
import { VisitListPage, VisitByNumberView } from '../projections/client-visits/client-visit.view';
import { FindVisitByNumberRequest, ListClientVisitsRequest } from './list-client-visits.request.dto';

@ApiTags('visits')
@ApiBearerAuth()
@Controller('clients')
export class ListClientVisitsController {
  constructor(private readonly queries: ClientVisitQueries) {}

  @Get(':clientId/visits')
  @Roles('owner', 'manager', 'receptionist', 'analyst')
  // Pages of up to 100 visits with a text search: a list, limited like the client search.
  @RateLimit('expensive')
  @ApiOperation({
    summary:
      "A client's visits, newest first by default, with search (specialist or service name fragment, or visit number), filters and cursor pagination. Eventually consistent with the visits' events.",
  })
  @ApiOkResponse({ type: VisitListPage })
  @ApiBadRequestResponse({ description: 'An invalid query parameter (details.field names it).' })
  @ErrorCodes({
    400: ['invalid-sort', 'invalid-number', 'invalid-salonId', 'invalid-specialistId', 'invalid-serviceId', 'invalid-q', 'invalid-status', 'invalid-date-range', 'invalid-date'],
    404: [],
  })
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Query() request: ListClientVisitsRequest,
  ): Promise<ClientVisitPage> {
    return this.queries.listForClient(principal.tenantId, clientId, request);
  }
}

@ApiTags('visits')
@ApiBearerAuth()
@Controller('visits')
export class FindVisitByNumberController {
  constructor(private readonly queries: ClientVisitQueries) {}

  @Get()
  @Roles('owner', 'manager', 'receptionist', 'analyst')
  @ApiOperation({ summary: 'The visit with this number, anywhere in your chain.' })
  @ApiOkResponse({ type: VisitByNumberView })
  @ApiNotFoundResponse({ description: 'No visit with this number in your chain.' })
  @ErrorCodes({ 404: ['visit-not-found'] })
  async find(@CurrentPrincipal() principal: Principal, @Query() request: FindVisitByNumberRequest): Promise<VisitByNumberView> {
    const visit = await this.queries.getByNumber(principal.tenantId, request.number);
    if (!visit) throw DomainError.notFound('visit-not-found', `There is no visit number ${request.number} in your salon chain.`, { number: request.number });
    return visit;
  }
}
