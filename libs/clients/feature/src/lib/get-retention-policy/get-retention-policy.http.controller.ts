import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, Roles, ETagHeader, SendETag } from '@salon/shared/nest';
import { RetentionPolicyResponse } from '../retention/retention-policy.response.dto';
import { GetRetentionPolicy } from './get-retention-policy.query';

@ApiTags('retention')
@ApiBearerAuth()
@Controller('retention-policy')
export class GetRetentionPolicyController {
  constructor(private readonly getRetentionPolicy: GetRetentionPolicy) {}

  @Get()
  @Roles('owner')
  @ApiOperation({ summary: "The chain's retention policy; every category is null (off) until the owner saves one." })
  @ApiOkResponse({ type: RetentionPolicyResponse, description: 'ETag header: the revision for If-Match on PUT.' })
  async get(@CurrentPrincipal() principal: Principal, @ETagHeader() sendETag: SendETag): Promise<RetentionPolicyResponse> {
    const { policy, revision } = await this.getRetentionPolicy.execute(principal.tenantId);
    sendETag(revision);
    return RetentionPolicyResponse.of(policy, revision);
  }
}
