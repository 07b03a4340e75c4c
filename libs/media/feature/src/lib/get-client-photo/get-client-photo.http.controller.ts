import { BadRequestException, Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RENDITION_SIZES, RenditionSize } from '@salon/media/content';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, ParseIdPipe, Roles, ErrorCodes } from '@salon/shared/nest';
import { GetClientPhoto, PhotoLink } from './get-client-photo.query';

export class PhotoLinkResponse implements PhotoLink {
  @ApiProperty({ format: 'uuid' })
  clientId!: string;

  @ApiProperty({ format: 'uuid' })
  photoId!: string;

  @ApiProperty({ description: 'A presigned link to the object store, valid until expiresAt; fetch it without the bearer token.' })
  url!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ example: 'image/webp' })
  contentType!: string;

  @ApiProperty({ enum: [...RENDITION_SIZES], required: false })
  size?: RenditionSize;
}

@ApiTags('photos')
@ApiBearerAuth()
@Controller('clients')
export class GetClientPhotoController {
  constructor(private readonly getClientPhoto: GetClientPhoto) {}

  @Get(':clientId/photo')
  // Whoever may read the client card may see its photo.
  @Roles('owner', 'manager', 'receptionist')
  @ApiOperation({ summary: "A short-lived link to the client's photo, rendered as webp at the width asked for (default 256)." })
  @ApiQuery({ name: 'size', required: false, enum: [...RENDITION_SIZES], description: 'The rendition size: its longest edge in pixels (a smaller image is not enlarged).' })
  @ApiOkResponse({ type: PhotoLinkResponse })
  @ApiNotFoundResponse({ description: 'photo-not-found: the client has no photo, or there is no such client in your chain.' })
  @ErrorCodes({ 404: ['photo-not-found'] })
  rendition(
    @CurrentPrincipal() principal: Principal,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Query('size') size: string | undefined,
  ): Promise<PhotoLinkResponse> {
    return this.getClientPhoto.rendition(principal.tenantId, clientId, sizeOf(size));
  }

  @Get(':clientId/photo/original')
  @Roles('owner', 'manager', 'receptionist')
  @ApiOperation({
    summary:
      'A short-lived link to download the stored original (re-encoded, or the sanitised SVG): the store answers it as an attachment ' +
      '(Content-Disposition: attachment, X-Content-Type-Options: nosniff), never to be shown inline.',
  })
  @ApiOkResponse({ type: PhotoLinkResponse })
  @ApiNotFoundResponse({ description: 'photo-not-found: the client has no photo, or there is no such client in your chain.' })
  @ErrorCodes({ 404: ['photo-not-found'] })
  original(@CurrentPrincipal() principal: Principal, @Param('clientId', new ParseIdPipe()) clientId: string): Promise<PhotoLinkResponse> {
    return this.getClientPhoto.original(principal.tenantId, clientId);
  }
}

function sizeOf(size: string | undefined): RenditionSize {
  if (size === undefined || size === '') return RENDITION_SIZES[0];
  const asked = RENDITION_SIZES.find((candidate) => String(candidate) === size);
  if (asked === undefined) {
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: `size: must be one of ${RENDITION_SIZES.join(', ')}`,
      errors: [{ field: 'size', reason: `must be one of ${RENDITION_SIZES.join(', ')}` }],
    });
  }
  return asked;
}
