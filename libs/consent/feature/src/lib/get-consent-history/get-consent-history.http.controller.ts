import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, Roles, ParseIdPipe } from '@salon/shared/nest';
import { ConsentCommands } from '../write/consent-commands.service';
import { ConsentHistoryEntryResponse, ConsentHistoryResponse } from './consent-history.response.dto';

@ApiTags('consent')
@ApiBearerAuth()
@Controller('clients')
export class GetConsentHistoryController {
  constructor(private readonly consent: ConsentCommands) {}

  @Get(':clientId/consent/history')
  @Roles('owner', 'manager', 'receptionist')
  @ApiOperation({ summary: "The client's whole consent ledger, newest last: who, when, where, through what, and the evidence." })
  @ApiOkResponse({ type: ConsentHistoryResponse, description: 'Empty `changes` when the client has no record.' })
  async history(
    @CurrentPrincipal() principal: Principal,
    @Param('clientId', new ParseIdPipe()) clientId: string,
  ): Promise<ConsentHistoryResponse> {
    const entries = await this.consent.history(principal.tenantId, clientId);
    return { clientId, changes: entries.map((entry) => ConsentHistoryEntryResponse.of(entry)) };
  }
}
