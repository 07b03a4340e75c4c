import { Controller, Delete, Headers, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, ParseIdPipe, Roles, SalonScope, optionalRevision, ETagHeader, SendETag, ErrorCodes } from '@salon/shared/nest';
import { WriteResponse } from '../http/write.response.dto';
import { LiftLegalHold } from './lift-legal-hold.service';

@ApiTags('retention')
@ApiBearerAuth()
@Controller('clients')
export class LiftLegalHoldController {
  constructor(private readonly liftLegalHold: LiftLegalHold) {}

  @Delete(':clientId/legal-hold')
  @Roles('owner', 'manager')
  @SalonScope('x-salon-id')
  @ApiOperation({ summary: 'Lift the legal hold: retention and erasure apply to the client again. Repeating it changes nothing.' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'When given, 409 if the client changed since.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key records nothing twice.' })
  @ApiOkResponse({ type: WriteResponse })
  @ApiNotFoundResponse({ description: 'client-not-found: no such client in your chain.' })
  @ErrorCodes({ 404: ['client-not-found'], 409: ['client-deleted', 'client-erased'] })
  async lift(
    @CurrentCommandContext() context: CommandContext,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @ETagHeader() sendETag: SendETag,
  ): Promise<WriteResponse> {
    const result = await this.liftLegalHold.execute(context, clientId, optionalRevision(ifMatch));
    sendETag(result.revision);
    return WriteResponse.of(result);
  }
}
