import { Body, Controller, Headers, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, Roles, SalonScope, optionalRevision, ETagHeader, SendETag, ErrorCodes } from '@salon/shared/nest';
import { RetentionPolicyResponse } from '../retention/retention-policy.response.dto';
import { SetRetentionPolicyRequest } from './set-retention-policy.request.dto';
import { SetRetentionPolicy } from './set-retention-policy.service';

@ApiTags('retention')
@ApiBearerAuth()
@Controller('retention-policy')
export class SetRetentionPolicyController {
  constructor(private readonly setRetentionPolicy: SetRetentionPolicy) {}

  @Put()
  @ErrorCodes({ 400: ['invalid-retention-policy'] })
  @Roles('owner')
  // The policy is the chain's; X-Salon-Id, if sent, is recorded as where the change was made.
  @SalonScope('x-salon-id')
  @ApiOperation({
    summary:
      "Save the chain's retention policy (docs/retention.md): each category is off unless given. The daily job applies it; POST /retention-policy/dry-run shows what it would do.",
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'When given, 409 if the policy changed since.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key records nothing twice.' })
  @ApiOkResponse({ type: RetentionPolicyResponse })
  @ApiBadRequestResponse({ description: 'A period that is not a whole number within its bounds; `errors` names each field.' })
  async set(
    @CurrentCommandContext() context: CommandContext,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() request: SetRetentionPolicyRequest,
    @ETagHeader() sendETag: SendETag,
  ): Promise<RetentionPolicyResponse> {
    const result = await this.setRetentionPolicy.execute(context, { ...request }, optionalRevision(ifMatch));
    sendETag(result.revision);
    return RetentionPolicyResponse.of(result.policy, result.revision);
  }
}
