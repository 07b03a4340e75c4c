import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, ParseIdPipe, Roles, ETagHeader, SendETag, ErrorCodes } from '@salon/shared/nest';
import { WriteResponse } from '../http/write.response.dto';
import { SetClientPhotoRequest } from './set-client-photo.request.dto';
import { SetClientPhoto } from './set-client-photo.service';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class SetClientPhotoController {
  constructor(private readonly setClientPhoto: SetClientPhoto) {}

  @Put(':clientId/photo-reference')
  // Internal: only the media service, with its service token, once it has checked and stored the
  // image. A user who could call it would point the card at objects nobody checked.
  @Roles('service:media')
  @ApiOperation({
    summary:
      "Make a stored photo the client's. Internal: called by the media service with its service token (role service:media, " +
      'in the chain of the upload, for the uploading user) after it checked and stored the image. Repeating it changes nothing.',
  })
  @ApiForbiddenResponse({ description: "A user token, whatever its roles: this route takes the media service's service token only." })
  @ApiOkResponse({ type: WriteResponse })
  @ApiNotFoundResponse({ description: 'client-not-found: never registered in your chain.' })
  @ErrorCodes({ 400: ['invalid-photo-reference'], 404: ['client-not-found'], 409: ['client-deleted', 'client-erased'] })
  async setPhoto(
    @CurrentCommandContext() context: CommandContext,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Body() request: SetClientPhotoRequest,
    @ETagHeader() sendETag: SendETag,
  ): Promise<WriteResponse> {
    const result = await this.setClientPhoto.execute(context, clientId, request.photoRef);
    sendETag(result.revision);
    return WriteResponse.of(result);
  }
}
