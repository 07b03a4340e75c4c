import { Body, Controller, Headers, Param, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CommandContext, CurrentCommandContext, Roles, etagOf, requiredRevision, ParseIdPipe, SalonScope } from '@salon/shared/nest';
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
  async save(
    @CurrentCommandContext() context: CommandContext,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() request: ClientProfileRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WriteResponse> {
    const result = await this.editClientProfile.execute(context, clientId, { ...request }, requiredRevision(ifMatch));
    response.setHeader('ETag', etagOf(result.revision));
    return WriteResponse.of(result);
  }
}
