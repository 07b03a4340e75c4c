import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, Roles, ParseIdPipe, ErrorCodes } from '@salon/shared/nest';
import { ConsentHistoryEntryResponse, ConsentHistoryResponse } from './consent-history.response.dto';
import { GetConsentHistory } from './get-consent-history.query';

@ApiTags('consent')
@ApiBearerAuth()
@Controller('clients')
export class GetConsentHistoryController {
  constructor(private readonly getConsentHistory: GetConsentHistory) {}

  @Get(':clientId/consent/history')
  @Roles('owner', 'manager', 'receptionist')
  @ApiOperation({ summary: "The client's whole consent ledger, newest last: who, when, where, through what, and the evidence." })
  @ApiOkResponse({ type: ConsentHistoryResponse, description: 'Empty `changes` when the client has no record.' })
  @ErrorCodes({ 404: [] })
  async history(
    @CurrentPrincipal() principal: Principal,
    @Param('clientId', new ParseIdPipe()) clientId: string,
  ): Promise<ConsentHistoryResponse> {
    const entries = await this.getConsentHistory.execute(principal.tenantId, clientId);
    return { clientId, changes: entries.map((entry) => ConsentHistoryEntryResponse.of(entry)) };
  }
}
