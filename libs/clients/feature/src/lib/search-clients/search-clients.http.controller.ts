import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, ErrorCodes, RateLimit, Roles } from '@salon/shared/nest';
import { ClientProfilePage } from '../projections/client-profiles';
import { SearchClients } from './search-clients.query';
import { SearchClientsRequest } from './search-clients.request.dto';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class SearchClientsController {
  constructor(private readonly searchClients: SearchClients) {}

  @Get()
  @ErrorCodes({ 400: ['invalid-sort', 'invalid-phone', 'invalid-date'] })
  @Roles('owner', 'manager', 'receptionist')
  // Pages of up to 100 full profiles: paging through the whole chain must take a while.
  @RateLimit('expensive')
  @ApiOperation({ summary: 'List and search the clients of your chain, with cursor pagination.' })
  @ApiOkResponse({ type: ClientProfilePage })
  search(
    @CurrentPrincipal() principal: Principal,
    @Query() request: SearchClientsRequest,
  ): Promise<ClientProfilePage> {
    return this.searchClients.execute(principal.tenantId, request);
  }
}
