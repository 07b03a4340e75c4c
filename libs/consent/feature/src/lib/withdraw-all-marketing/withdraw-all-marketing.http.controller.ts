import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, Roles, ParseIdPipe, SalonScope, ETagHeader, SendETag, ErrorCodes } from '@salon/shared/nest';
import { ConsentResponse } from '../http/consent.response.dto';
import { WithdrawAllMarketingRequest } from './withdraw-all-marketing.request.dto';
import { WithdrawAllMarketing } from './withdraw-all-marketing.service';

@ApiTags('consent')
@ApiBearerAuth()
@Controller('clients')
export class WithdrawAllMarketingController {
  constructor(private readonly withdrawAllMarketing: WithdrawAllMarketing) {}

  @Post(':clientId/consent/marketing/withdrawal')
  @HttpCode(200)
  @Roles('owner', 'manager', 'receptionist')
  @SalonScope('x-salon-id')
  @ApiOperation({ summary: 'Switch every marketing permission (newsletter, marketing SMS) OFF in one call, e.g. from the client list.' })
  @ApiHeader({ name: 'X-Salon-Id', required: false, description: 'The salon where the change is made.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOkResponse({ type: ConsentResponse })
  @ApiConflictResponse({ description: 'client-closed.' })
  @ApiNotFoundResponse({ description: 'no-consent-record.' })
  @ErrorCodes({ 400: ['invalid-client-id', 'actor-required', 'unknown-source'], 404: ['no-consent-record'], 409: ['client-closed'] })
  async withdraw(
    @CurrentCommandContext() context: CommandContext,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Body() request: WithdrawAllMarketingRequest,
    @ETagHeader() sendETag: SendETag,
  ): Promise<ConsentResponse> {
    const result = await this.withdrawAllMarketing.execute(context, clientId, request.source);
    sendETag(result.revision);
    return ConsentResponse.of(clientId, result.state, result.revision);
  }
}
