import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, Roles, ParseIdPipe, ETagHeader, SendETag, ErrorCodes } from '@salon/shared/nest';
import { ConsentResponse } from '../http/consent.response.dto';
import { GetConsent } from './get-consent.query';

@ApiTags('consent')
@ApiBearerAuth()
@Controller('clients')
export class GetConsentController {
  constructor(private readonly getConsent: GetConsent) {}

  @Get(':clientId/consent')
  @Roles('owner', 'manager', 'receptionist')
  @ApiOperation({
    summary: "The client's consent switches as they now stand, and the summary shown on the profile.",
    description: "Read from the ledger itself (not a projection): a change shows at once. status 'none': no record (yet).",
  })
  @ApiOkResponse({ type: ConsentResponse })
  @ErrorCodes({ 404: [] })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @ETagHeader('Absent while the client has no consent record.') sendETag: SendETag,
  ): Promise<ConsentResponse> {
    const { state, revision } = await this.getConsent.execute(principal.tenantId, clientId);
    if (revision !== undefined) sendETag(revision);
    return ConsentResponse.of(clientId, state, revision);
  }
}
