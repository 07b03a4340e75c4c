import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, Roles, etagOf } from '@salon/shared/nest';
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
  async get(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) response: Response): Promise<RetentionPolicyResponse> {
    const { policy, revision } = await this.getRetentionPolicy.execute(principal.tenantId);
    response.setHeader('ETag', etagOf(revision));
    return RetentionPolicyResponse.of(policy, revision);
  }
}
