import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, Roles, optionalRevision, ParseIdPipe, SalonScope, ETagHeader, SendETag, ErrorCodes } from '@salon/shared/nest';
import { VisitWriteResponse } from '../http/visit.response.dto';
import { RecordVisitPaymentRequest } from './record-visit-payment.request.dto';
import { RecordVisitPayment } from './record-visit-payment.service';

@ApiTags('visits')
@ApiBearerAuth()
@Controller('visits')
export class RecordVisitPaymentController {
  constructor(private readonly recordVisitPayment: RecordVisitPayment) {}

  @Post(':visitId/payments')
  @HttpCode(200)
  @Roles('owner', 'manager', 'receptionist')
  @SalonScope('x-salon-id', 'visit')
  @ApiOperation({ summary: 'Record a payment for a visit the client arrived at or completed.' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'When given, 409 stale-revision if the visit changed since.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried payment is recorded once.' })
  @ApiOkResponse({ type: VisitWriteResponse })
  @ApiBadRequestResponse({ description: 'invalid-amount: above 0 and at most what is due (due is in the body).' })
  @ApiConflictResponse({ description: 'impossible-transition: only arrived or completed visits are paid.' })
  @ErrorCodes({ 400: ['invalid-amount'], 404: ['visit-not-found'], 409: ['impossible-transition'] })
  async pay(
    @CurrentCommandContext() context: CommandContext,
    @Param('visitId', new ParseIdPipe()) visitId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() request: RecordVisitPaymentRequest,
    @ETagHeader() sendETag: SendETag,
  ): Promise<VisitWriteResponse> {
    const result = await this.recordVisitPayment.execute(context, visitId, request.amount, optionalRevision(ifMatch));
    sendETag(result.revision);
    return VisitWriteResponse.of(result);
  }
}
