import { HttpException, HttpStatus } from '@nestjs/common';
import type { Request } from 'express';
import { readRawUpload } from '@salon/shared/nest';

function refusal(status: number, error: string, field: string, reason: string, message: string): HttpException {
  return new HttpException({ statusCode: status, error, message, errors: [{ field, reason }] }, status);
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

export function photoTooLarge(limit: number): HttpException {
  return refusal(
    HttpStatus.PAYLOAD_TOO_LARGE,
    'payload-too-large',
    'body',
    `must be at most ${megabytes(limit)}`,
    `A photo is at most ${megabytes(limit)} (${limit} bytes); this upload is larger.`,
  );
}

/** The raw upload body of a photo, at most `limit` bytes (see readRawUpload). */
export async function readPhotoUpload(request: Request, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const received = await readRawUpload(request, {
    limit,
    tooLarge: () => photoTooLarge(limit),
    noContentEncoding: 'A photo is sent as it is (images are compressed already): no Content-Encoding.',
    take: (chunk) => chunks.push(chunk) > 0,
  });
  return Buffer.concat(chunks, received);
}
