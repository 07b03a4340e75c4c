import { Body, Controller, Headers, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, Roles, optionalRevision, ParseIdPipe, SalonScope, ETagHeader, SendETag, ErrorCodes } from '@salon/shared/nest';
import { WriteResponse } from '../http/write.response.dto';
import { SetClientDiscountsRequest } from './set-client-discounts.request.dto';
import { SetClientDiscounts } from './set-client-discounts.service';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class SetClientDiscountsController {
  constructor(private readonly setClientDiscounts: SetClientDiscounts) {}

  @Put(':clientId/discounts')
  @Roles('owner', 'manager', 'receptionist')
  @SalonScope('x-salon-id')
  @ApiOperation({ summary: "Set the client's discounts on products and on services." })
  @ApiHeader({ name: 'If-Match', required: false, description: 'When given, 409 if the client changed since.' })
  @ApiOkResponse({ type: WriteResponse })
  @ErrorCodes({ 400: ['invalid-discount'], 404: ['client-not-found'], 409: ['client-deleted', 'client-erased'] })
  async setDiscounts(
    @CurrentCommandContext() context: CommandContext,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() request: SetClientDiscountsRequest,
    @ETagHeader() sendETag: SendETag,
  ): Promise<WriteResponse> {
    const result = await this.setClientDiscounts.execute(context, clientId, request, optionalRevision(ifMatch));
    sendETag(result.revision);
    return WriteResponse.of(result);
  }
}
