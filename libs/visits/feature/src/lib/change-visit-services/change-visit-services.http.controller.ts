import { Body, Controller, Headers, Param, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, Roles, optionalRevision, ParseIdPipe, SalonScope, ETagHeader, SendETag, ErrorCodes } from '@salon/shared/nest';
import { VisitWriteResponse } from '../http/visit.response.dto';
import { ChangeVisitServicesRequest } from './change-visit-services.request.dto';
import { ChangeVisitServices } from './change-visit-services.service';

@ApiTags('visits')
@ApiBearerAuth()
@Controller('visits')
export class ChangeVisitServicesController {
  constructor(private readonly changeVisitServices: ChangeVisitServices) {}

  @Put(':visitId/services')
  @Roles('owner', 'manager', 'receptionist')
  @SalonScope('x-salon-id', 'visit')
  @ApiOperation({ summary: 'Replace the services (and so the specialists and amounts) of a visit that has not ended.' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'When given, 409 stale-revision if the visit changed since.' })
  @ApiOkResponse({ type: VisitWriteResponse })
  @ApiBadRequestResponse({ description: 'no-services, discount-above-price, total-below-paid, a bad price or duration.' })
  @ApiConflictResponse({ description: 'impossible-transition: the visit has ended.' })
  @ErrorCodes({ 400: ['total-below-paid', 'no-services', 'too-many-services', 'invalid-duration', 'visit-price-too-high', 'discount-above-price', 'invalid-services', 'invalid-serviceId', 'invalid-name', 'invalid-specialistId', 'invalid-specialistName', 'invalid-discount'], 404: ['visit-not-found'], 409: ['impossible-transition'] })
  async changeServices(
    @CurrentCommandContext() context: CommandContext,
    @Param('visitId', new ParseIdPipe()) visitId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() request: ChangeVisitServicesRequest,
    @ETagHeader() sendETag: SendETag,
  ): Promise<VisitWriteResponse> {
    const { services, discount = 0 } = request;
    const result = await this.changeVisitServices.execute(context, visitId, { services, discount }, optionalRevision(ifMatch));
    sendETag(result.revision);
    return VisitWriteResponse.of(result);
  }
}
