import { Controller, Delete, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, ParseIdPipe, Roles, ETagHeader, SendETag, ErrorCodes } from '@salon/shared/nest';
import { WriteResponse } from '../http/write.response.dto';
import { RemoveClientPhoto } from './remove-client-photo.service';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class RemoveClientPhotoController {
  constructor(private readonly removeClientPhoto: RemoveClientPhoto) {}

  @Delete(':clientId/photo-reference')
  // Internal, like setting it: the media service removes the objects and the reference together.
  @Roles('service:media')
  @ApiOperation({
    summary:
      "Remove the client's photo reference. Internal: called by the media service with its service token (role service:media). " +
      'Repeating it changes nothing.',
  })
  @ApiForbiddenResponse({ description: "A user token, whatever its roles: this route takes the media service's service token only." })
  @ApiOkResponse({ type: WriteResponse })
  @ApiNotFoundResponse({ description: 'client-not-found: never registered in your chain.' })
  @ErrorCodes({ 404: ['client-not-found'], 409: ['client-deleted', 'client-erased'] })
  async removePhoto(
    @CurrentCommandContext() context: CommandContext,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @ETagHeader() sendETag: SendETag,
  ): Promise<WriteResponse> {
    const result = await this.removeClientPhoto.execute(context, clientId);
    sendETag(result.revision);
    return WriteResponse.of(result);
  }
}
