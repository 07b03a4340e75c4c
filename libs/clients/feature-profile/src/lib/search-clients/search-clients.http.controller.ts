import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, Roles } from '@salon/shared/nest';
import { ClientProfileQueries, ClientProfileView } from '../profile-view';
import { CLIENTS_SETTINGS, ClientsSettings } from '../write/client-commands.service';
import { SearchClientsRequest } from './search-clients.request.dto';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class SearchClientsController {
  constructor(
    private readonly queries: ClientProfileQueries,
    @Inject(CLIENTS_SETTINGS) private readonly settings: ClientsSettings,
  ) {}

  @Get()
  @Roles('owner', 'manager', 'receptionist')
  @ApiOperation({ summary: 'List and search the clients of your chain, with cursor pagination.' })
  @ApiOkResponse({ description: '{ items: ClientProfileView[], nextCursor?: string }' })
  search(
    @CurrentPrincipal() principal: Principal,
    @Query() request: SearchClientsRequest,
  ): Promise<{ items: ClientProfileView[]; nextCursor?: string }> {
    const { name, createdFrom, createdTo, ...rest } = request;
    return this.queries.search(principal.tenantId, {
      ...rest,
      text: name,
      createdFrom: createdFrom ? new Date(createdFrom) : undefined,
      createdTo: createdTo ? new Date(createdTo) : undefined,
      defaultCountry: this.settings.defaultPhoneCountry,
    });
  }
}
