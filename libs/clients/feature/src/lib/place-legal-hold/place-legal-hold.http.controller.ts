import { Body, Controller, Headers, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, ParseIdPipe, Roles, SalonScope, optionalRevision, ETagHeader, SendETag, ErrorCodes } from '@salon/shared/nest';
import { WriteResponse } from '../http/write.response.dto';
import { PlaceLegalHoldRequest } from './place-legal-hold.request.dto';
import { PlaceLegalHold } from './place-legal-hold.service';

@ApiTags('retention')
@ApiBearerAuth()
@Controller('clients')
export class PlaceLegalHoldController {
  constructor(private readonly placeLegalHold: PlaceLegalHold) {}

  @Put(':clientId/legal-hold')
  @Roles('owner', 'manager')
  @SalonScope('x-salon-id')
  @ApiOperation({
    summary:
      "Place a legal hold (GDPR Art. 17(3)(e), legal claims): no retention category touches the client and erasure and deletion answer 409 client-on-legal-hold until it is lifted. Placing it again alike changes nothing; another reason replaces it.",
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'When given, 409 if the client changed since.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key records nothing twice.' })
  @ApiOkResponse({ type: WriteResponse })
  @ApiNotFoundResponse({ description: 'client-not-found: no such client in your chain.' })
  @ErrorCodes({ 400: ['invalid-legal-hold-reason', 'invalid-legal-hold-reference'], 404: ['client-not-found'], 409: ['client-deleted', 'client-erased'] })
  async place(
    @CurrentCommandContext() context: CommandContext,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() request: PlaceLegalHoldRequest,
    @ETagHeader() sendETag: SendETag,
  ): Promise<WriteResponse> {
    const result = await this.placeLegalHold.execute(context, clientId, { reason: request.reason, reference: request.reference }, optionalRevision(ifMatch));
    sendETag(result.revision);
    return WriteResponse.of(result);
  }
}
