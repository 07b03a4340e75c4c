import { Body, Controller, Headers, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, Roles, optionalRevision, ParseIdPipe, SalonScope, ETagHeader, SendETag, ErrorCodes } from '@salon/shared/nest';
import { VisitWriteResponse } from '../http/visit.response.dto';
import { RescheduleVisitRequest } from './reschedule-visit.request.dto';
import { RescheduleVisit } from './reschedule-visit.service';

@ApiTags('visits')
@ApiBearerAuth()
@Controller('visits')
export class RescheduleVisitController {
  constructor(private readonly rescheduleVisit: RescheduleVisit) {}

  @Put(':visitId/schedule')
  @Roles('owner', 'manager', 'receptionist')
  @SalonScope('x-salon-id', 'visit')
  @ApiOperation({ summary: 'Move the visit to another time (until it is completed, cancelled or a no-show).' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'When given, 409 stale-revision if the visit changed since.' })
  @ApiOkResponse({ type: VisitWriteResponse })
  @ApiConflictResponse({ description: 'impossible-transition: the visit has ended.' })
  @ErrorCodes({ 400: ['visit-ends-before-start', 'visit-too-long', 'invalid-startsAt', 'invalid-endsAt'], 404: ['visit-not-found'], 409: ['impossible-transition'] })
  async reschedule(
    @CurrentCommandContext() context: CommandContext,
    @Param('visitId', new ParseIdPipe()) visitId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() request: RescheduleVisitRequest,
    @ETagHeader() sendETag: SendETag,
  ): Promise<VisitWriteResponse> {
    const result = await this.rescheduleVisit.execute(context, visitId, { startsAt: request.startsAt, endsAt: request.endsAt }, optionalRevision(ifMatch));
    sendETag(result.revision);
    return VisitWriteResponse.of(result);
  }
}
