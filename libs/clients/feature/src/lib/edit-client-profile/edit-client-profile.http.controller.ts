import { Body, Controller, Headers, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, Roles, requiredRevision, ParseIdPipe, SalonScope, ETagHeader, SendETag, ErrorCodes } from '@salon/shared/nest';
import { ClientProfileRequest } from '../http/client-profile.request.dto';
import { WriteResponse } from '../http/write.response.dto';
import { EditClientProfile } from './edit-client-profile.service';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class EditClientProfileController {
  constructor(private readonly editClientProfile: EditClientProfile) {}

  @Put(':clientId')
  @Roles('owner', 'manager', 'receptionist')
  @SalonScope('x-salon-id')
  @ApiOperation({ summary: 'Save the profile form (one explicit save replaces the whole editable profile).' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag of the profile you edited. 409 if it changed since; 428 if absent.' })
  @ApiOkResponse({ type: WriteResponse })
  @ApiConflictResponse({ description: 'stale-revision, or phone-taken.' })
  @ErrorCodes({ 400: ['phone-required', 'invalid-phone', 'invalid-field-type', 'invalid-email', 'name-too-long', 'invalid-birth-date', 'invalid-gender', 'comment-too-long', 'invalid-client-id'], 404: ['client-not-found'], 409: ['phone-taken', 'client-deleted', 'client-erased'] })
  async save(
    @CurrentCommandContext() context: CommandContext,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() request: ClientProfileRequest,
    @ETagHeader() sendETag: SendETag,
  ): Promise<WriteResponse> {
    const result = await this.editClientProfile.execute(context, clientId, { ...request }, requiredRevision(ifMatch));
    sendETag(result.revision);
    return WriteResponse.of(result);
  }
}
