import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, ParseIdPipe, Roles, ErrorCodes } from '@salon/shared/nest';
import { GetRetentionRun, RetentionRunReport } from './get-retention-run.query';

@ApiTags('retention')
@ApiBearerAuth()
@Controller('retention-policy')
export class GetRetentionRunController {
  constructor(private readonly getRetentionRun: GetRetentionRun) {}

  @Get('runs/:runId')
  @Roles('owner')
  @ApiOperation({ summary: 'One retention run: when it started and finished, and per category how many clients and which (ids only).' })
  @ApiOkResponse({
    schema: {
      example: {
        runId: 'uuid', trigger: 'daily', status: 'finished', day: '2026-12-02', asOf: '2026-12-02T03:00:00.000Z',
        policy: { eraseClientsAfterYearsWithoutVisit: 5, dropPhotosAfterMonthsWithoutVisit: null, dropCommentsAfterYearsWithoutVisit: 3 },
        startedAt: '2026-12-02T03:00:00.010Z', finishedAt: '2026-12-02T03:00:04.200Z',
        counts: { erase: 2, photo: 0, comment: 1 }, clientIds: { erase: ['uuid', 'uuid'], photo: [], comment: ['uuid'] },
        skipped: { erase: [], photo: [], comment: [] },
      },
    },
  })
  @ApiNotFoundResponse({ description: 'retention-run-not-found: no such run in your chain.' })
  @ErrorCodes({ 404: ['retention-run-not-found'] })
  get(@CurrentPrincipal() principal: Principal, @Param('runId', new ParseIdPipe()) runId: string): Promise<RetentionRunReport> {
    return this.getRetentionRun.execute(principal.tenantId, runId);
  }
}
