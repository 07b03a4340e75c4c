import { Controller, HttpException, HttpStatus, Param, Put, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { MAX_PHOTO_BYTES, PhotoContentRefused } from '@salon/media/content';
import { CommandContext, CurrentCommandContext, ParseIdPipe, RateLimit, Roles, SalonScope, ErrorCodes } from '@salon/shared/nest';
import { ClientPhotoResponse } from '../http/client-photo.response.dto';
import { photoRefusal } from './photo-refusal';
import { readPhotoUpload } from './photo-upload-body';
import { UploadClientPhoto } from './upload-client-photo.service';

/** The content types an upload may declare: the photo formats' names, or "unknown" (the bytes decide). */
export const UPLOAD_CONTENT_TYPES = [
  'image/jpeg',
  'image/jpg',
  'image/pjpeg',
  'image/png',
  'image/webp',
  'image/heic',
  'image/heif',
  'image/svg+xml',
  'application/octet-stream',
] as const;

@ApiTags('photos')
@ApiBearerAuth()
@Controller('clients')
export class UploadClientPhotoController {
  constructor(private readonly uploadClientPhoto: UploadClientPhoto) {}

  @Put(':clientId/photo')
  @Roles('owner', 'manager', 'receptionist')
  @SalonScope('x-salon-id')
  // Decoding and re-encoding a large image costs a second of CPU: counted apart from ordinary writes.
  @RateLimit('expensive')
  @ApiOperation({
    summary:
      "Set (or replace) the client's photo: the request body is the image itself (raw, not multipart), with its Content-Type. " +
      `At most ${MAX_PHOTO_BYTES} bytes (15 MB); jpeg, png, webp, heic or svg. The type is sniffed from the bytes and must agree with ` +
      'the Content-Type and the file name (Content-Disposition filename, optional); the image is decoded and re-encoded (no metadata ' +
      'kept), an SVG sanitised. The previous photo is deleted.',
  })
  @ApiConsumes(...UPLOAD_CONTENT_TYPES)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiHeader({ name: 'Content-Disposition', required: false, description: 'e.g. `attachment; filename="photo.jpg"`: its extension must agree with the content.' })
  @ApiOkResponse({ type: ClientPhotoResponse })
  @ApiBadRequestResponse({ description: 'empty-body, corrupt-image, too-many-pixels, unsafe-content.' })
  @ApiNotFoundResponse({ description: 'client-not-found: no such active client in your chain.' })
  @ApiPayloadTooLargeResponse({ description: 'payload-too-large: more than 15 MB (refused as soon as the limit is passed).' })
  @ApiUnsupportedMediaTypeResponse({ description: 'unsupported-type (naming the detected type), type-mismatch, or a Content-Type that is no image type.' })
  @ErrorCodes({
    400: ['empty-body', 'corrupt-image', 'too-many-pixels', 'unsafe-content'],
    404: ['client-not-found'],
    413: ['payload-too-large'],
    415: ['unsupported-type', 'type-mismatch', 'unsupported-content-encoding'],
    503: ['object-store-unavailable', 'clients-service-unavailable'],
  })
  async upload(
    @CurrentCommandContext() context: CommandContext,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Req() request: Request,
  ): Promise<ClientPhotoResponse> {
    const declaredContentType = declaredTypeOf(request);
    const bytes = await readPhotoUpload(request, MAX_PHOTO_BYTES);
    if (bytes.length === 0) {
      throw new HttpException(
        { statusCode: 400, error: 'empty-body', message: 'The request body is the photo; it was empty.', errors: [{ field: 'body', reason: 'must be an image' }] },
        HttpStatus.BAD_REQUEST,
      );
    }
    try {
      return await this.uploadClientPhoto.execute(context, clientId, { bytes, declaredContentType, fileName: fileNameOf(request) });
    } catch (error) {
      if (error instanceof PhotoContentRefused) throw photoRefusal(error);
      throw error;
    }
  }
}

/** The declared type, refused before a byte is read when it is no image type at all (JSON, a form, HTML). */
function declaredTypeOf(request: Request): string {
  const declared = (request.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (!(UPLOAD_CONTENT_TYPES as readonly string[]).includes(declared)) {
    request.resume();
    throw new HttpException(
      {
        statusCode: 415,
        error: 'unsupported-type',
        message: `The body must be the image itself, with its type as Content-Type (${UPLOAD_CONTENT_TYPES.join(', ')}).`,
        errors: [{ field: 'Content-Type', reason: 'must be an image type: jpeg, png, webp, heic or svg' }],
      },
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    );
  }
  return declared;
}

/** The file name of `Content-Disposition: …; filename="x.jpg"`, only to check its extension. */
function fileNameOf(request: Request): string | undefined {
  const header = request.header('content-disposition');
  const match = header ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header) : null;
  return match ? decodeURIComponentSafe(match[1]) : undefined;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
