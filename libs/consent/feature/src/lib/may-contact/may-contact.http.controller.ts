import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CONTACT_CHANNELS, CONTACT_PURPOSES, parseContactChannel, parseContactPurpose } from '@salon/consent/domain';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, Roles, ParseIdPipe, ErrorCodes } from '@salon/shared/nest';
import { ContactAnswerResponse } from '../http/consent.response.dto';
import { MayContact } from './may-contact.query';

@ApiTags('consent')
@ApiBearerAuth()
@Controller('clients')
export class MayContactController {
  constructor(private readonly mayContactQuery: MayContact) {}

  @Get(':clientId/consent/may-contact')
  @Roles('owner', 'manager', 'receptionist')
  @ApiOperation({
    summary: 'May I send <purpose> by <channel> to this client now? Yes/no with the reason.',
    description:
      'Answered from the ledger itself, so it is never behind. A client without a record answers ' +
      "{ allowed: false, reason: 'no-consent-record' }; a deleted or erased one 'client-closed'.",
  })
  @ApiQuery({ name: 'purpose', enum: CONTACT_PURPOSES })
  @ApiQuery({ name: 'channel', enum: CONTACT_CHANNELS })
  @ApiOkResponse({ type: ContactAnswerResponse })
  @ApiBadRequestResponse({ description: 'unknown-purpose, unknown-channel.' })
  @ErrorCodes({ 400: ['unknown-purpose', 'unknown-channel'], 404: [] })
  async mayContact(
    @CurrentPrincipal() principal: Principal,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Query('purpose') purposeName: unknown,
    @Query('channel') channelName: unknown,
  ): Promise<ContactAnswerResponse> {
    const purpose = parseContactPurpose(purposeName);
    const channel = parseContactChannel(channelName);
    return this.mayContactQuery.execute(principal.tenantId, clientId, purpose, channel);
  }
}
