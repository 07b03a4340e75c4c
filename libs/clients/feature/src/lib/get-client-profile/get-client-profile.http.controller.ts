import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, Roles, ParseIdPipe, ETagHeader, SendETag, ErrorCodes } from '@salon/shared/nest';
import { ClientProfileView } from '../projections/client-profiles';
import { GetClientProfile } from './get-client-profile.query';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class GetClientProfileController {
  constructor(private readonly getClientProfile: GetClientProfile) {}

  @Get(':clientId')
  @Roles('owner', 'manager', 'receptionist')
  @ApiOperation({
    summary:
      'The client card: profile, contacts, discounts, consent summary and visit statistics. Eventually consistent: a change shows once the projection applied it (compare the ETag).',
  })
  @ApiOkResponse({ type: ClientProfileView, description: 'ETag header: the revision the view reflects, for If-Match on the next save.' })
  @ApiNotFoundResponse({ description: 'No such client in your chain (or deleted).' })
  @ErrorCodes({ 404: ['client-not-found'] })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @ETagHeader() sendETag: SendETag,
  ): Promise<ClientProfileView> {
    const view = await this.getClientProfile.execute(principal.tenantId, clientId);
    sendETag(view.revision);
    return view;
  }
}
