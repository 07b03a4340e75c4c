import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CommandContext, CurrentCommandContext, RateLimit, Roles, SalonScope } from '@salon/shared/nest';
import { ApplyRetentionPolicy, RetentionPlan } from './apply-retention-policy.service';

@ApiTags('retention')
@ApiBearerAuth()
@Controller('retention-policy')
export class ApplyRetentionPolicyController {
  constructor(private readonly applyRetentionPolicy: ApplyRetentionPolicy) {}

  @Post('dry-run')
  @HttpCode(200)
  @Roles('owner')
  @SalonScope('x-salon-id')
  // Scans the chain's client base: limited like exports.
  @RateLimit('bulk')
  @ApiOperation({ summary: 'What the policy would do now, changing nothing: per category the count and the client ids.' })
  @ApiOkResponse({
    schema: {
      example: {
        asOf: '2026-12-02T03:00:00.000Z',
        policy: { eraseClientsAfterYearsWithoutVisit: 5, dropPhotosAfterMonthsWithoutVisit: 24, dropCommentsAfterYearsWithoutVisit: 3 },
        counts: { erase: 2, photo: 1, comment: 0 },
        clientIds: { erase: ['uuid', 'uuid'], photo: ['uuid'], comment: [] },
      },
    },
  })
  dryRun(@CurrentCommandContext() context: CommandContext): Promise<RetentionPlan> {
    return this.applyRetentionPolicy.dryRun(context.principal.tenantId);
  }

  @Post('runs')
  @HttpCode(201)
  @Roles('owner')
  @SalonScope('x-salon-id')
  @RateLimit('bulk')
  @ApiOperation({
    summary:
      'Apply the policy now (the daily job does it once a day). Answers when the run is done, with its id; GET /retention-policy/runs/{runId} reports it. Whatever is due is done once: a second run finds nothing left.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key answers the first run and starts no other.' })
  @ApiCreatedResponse({ schema: { example: { runId: 'uuid' } }, description: 'Location header: the run report.' })
  async run(@CurrentCommandContext() context: CommandContext, @Res({ passthrough: true }) response: Response): Promise<{ runId: string }> {
    const { runId } = await this.applyRetentionPolicy.runNow(context.principal.tenantId, context.idempotencyKey);
    response.setHeader('Location', `/retention-policy/runs/${runId}`);
    return { runId };
  }
}
