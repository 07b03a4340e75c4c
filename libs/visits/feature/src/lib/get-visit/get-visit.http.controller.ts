import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, Roles, ParseIdPipe, SalonScope, ETagHeader, SendETag, ErrorCodes } from '@salon/shared/nest';
import { VisitDetailsView } from '../http/visit.response.dto';
import { GetVisit } from './get-visit.query';

@ApiTags('visits')
@ApiBearerAuth()
@Controller('visits')
export class GetVisitController {
  constructor(private readonly getVisit: GetVisit) {}

  /** Read from the event store, not a read model: what the desk opens is what it will change. */
  @Get(':visitId')
  @Roles('owner', 'manager', 'receptionist', 'analyst')
  @SalonScope('x-salon-id')
  @ApiOperation({ summary: 'Open one visit (current state, with its ETag for the next change).' })
  @ApiOkResponse({ type: VisitDetailsView })
  @ApiNotFoundResponse({ description: 'visit-not-found' })
  @ErrorCodes({ 404: ['visit-not-found'] })
  async get(
    @CurrentCommandContext() context: CommandContext,
    @Param('visitId', new ParseIdPipe()) visitId: string,
    @ETagHeader() sendETag: SendETag,
  ): Promise<VisitDetailsView> {
    const { visit, revision } = await this.getVisit.execute(context, visitId);
    sendETag(revision);
    return VisitDetailsView.of(visit, revision);
  }
}
