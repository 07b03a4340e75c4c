import { HttpException } from '@nestjs/common';
import { PhotoContentRefused } from '@salon/media/content';

/** The content library's refusal as the API's error body: the code, the reason, the sniffed type. */
export function photoRefusal(error: PhotoContentRefused): HttpException {
  const field = error.code === 'type-mismatch' || error.code === 'unsupported-type' ? 'Content-Type' : 'body';
  return new HttpException(
    {
      statusCode: error.status,
      error: error.code,
      message: error.message,
      errors: [{ field, reason: error.message }],
      detectedType: error.detectedType,
    },
    error.status,
  );
}
