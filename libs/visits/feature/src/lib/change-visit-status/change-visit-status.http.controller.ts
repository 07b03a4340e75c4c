import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, Roles, optionalRevision, ParseIdPipe, SalonScope, ETagHeader, SendETag, ErrorCodes } from '@salon/shared/nest';
import { VisitWriteResponse } from '../http/visit.response.dto';
import { CancelVisitRequest } from './cancel-visit.request.dto';
import { ChangeVisitStatus, LifecycleStep } from './change-visit-status.service';

/**
 * The lifecycle: booked → confirmed → arrived → completed; cancelled (before completion) and
 * no-show (booked or confirmed, once the start has passed) end it. A step that the current status
 * does not allow is refused with 409 impossible-transition naming `from` and `to`.
 */
@ApiTags('visits')
@ApiBearerAuth()
@ApiHeader({ name: 'If-Match', required: false, description: 'When given, 409 stale-revision if the visit changed since.' })
@ApiNotFoundResponse({ description: 'visit-not-found' })
@ApiConflictResponse({ description: 'impossible-transition (from, to), no-show-before-start, or stale-revision.' })
@SalonScope('x-salon-id', 'visit')
@Controller('visits')
// no-show-before-start is the no-show step's own refusal (visit.ts); listed for the controller's routes together.
@ErrorCodes({ 404: ['visit-not-found'], 409: ['impossible-transition', 'no-show-before-start'] })
export class ChangeVisitStatusController {
  constructor(private readonly changeVisitStatus: ChangeVisitStatus) {}

  @Post(':visitId/confirm')
  @HttpCode(200)
  @Roles('owner', 'manager', 'receptionist')
  @ApiOperation({ summary: 'The client confirmed the booked visit.' })
  @ApiOkResponse({ type: VisitWriteResponse })
  confirm(
    @CurrentCommandContext() context: CommandContext,
    @Param('visitId', new ParseIdPipe()) visitId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @ETagHeader() sendETag: SendETag,
  ): Promise<VisitWriteResponse> {
    return this.change(context, visitId, 'confirm', ifMatch, sendETag);
  }

  @Post(':visitId/arrive')
  @HttpCode(200)
  @Roles('owner', 'manager', 'receptionist')
  @ApiOperation({ summary: 'The client arrived (from booked or confirmed).' })
  @ApiOkResponse({ type: VisitWriteResponse })
  arrive(
    @CurrentCommandContext() context: CommandContext,
    @Param('visitId', new ParseIdPipe()) visitId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @ETagHeader() sendETag: SendETag,
  ): Promise<VisitWriteResponse> {
    return this.change(context, visitId, 'arrive', ifMatch, sendETag);
  }

  @Post(':visitId/complete')
  @HttpCode(200)
  @Roles('owner', 'manager', 'receptionist')
  @ApiOperation({ summary: 'The visit took place (from arrived). Only completed visits count in the statistics.' })
  @ApiOkResponse({ type: VisitWriteResponse })
  complete(
    @CurrentCommandContext() context: CommandContext,
    @Param('visitId', new ParseIdPipe()) visitId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @ETagHeader() sendETag: SendETag,
  ): Promise<VisitWriteResponse> {
    return this.change(context, visitId, 'complete', ifMatch, sendETag);
  }

  @Post(':visitId/no-show')
  @HttpCode(200)
  @Roles('owner', 'manager', 'receptionist')
  @ApiOperation({ summary: 'The client did not come (from booked or confirmed, not before the start).' })
  @ApiOkResponse({ type: VisitWriteResponse })
  noShow(
    @CurrentCommandContext() context: CommandContext,
    @Param('visitId', new ParseIdPipe()) visitId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @ETagHeader() sendETag: SendETag,
  ): Promise<VisitWriteResponse> {
    return this.change(context, visitId, 'no-show', ifMatch, sendETag);
  }

  @Post(':visitId/cancel')
  @HttpCode(200)
  @Roles('owner', 'manager', 'receptionist')
  @ApiOperation({ summary: 'Cancel the visit (before it is completed), saying by whom and whether late.' })
  @ApiOkResponse({ type: VisitWriteResponse })
  @ErrorCodes({ 400: ['invalid-cancelled-by'] })
  cancel(
    @CurrentCommandContext() context: CommandContext,
    @Param('visitId', new ParseIdPipe()) visitId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() request: CancelVisitRequest,
    @ETagHeader() sendETag: SendETag,
  ): Promise<VisitWriteResponse> {
    return this.change(context, visitId, { cancel: { by: request.by, late: request.late } }, ifMatch, sendETag);
  }

  private async change(
    context: CommandContext,
    visitId: string,
    step: LifecycleStep,
    ifMatch: string | undefined,
    sendETag: SendETag,
  ): Promise<VisitWriteResponse> {
    const result = await this.changeVisitStatus.execute(context, visitId, step, optionalRevision(ifMatch));
    sendETag(result.revision);
    return VisitWriteResponse.of(result);
  }
}
