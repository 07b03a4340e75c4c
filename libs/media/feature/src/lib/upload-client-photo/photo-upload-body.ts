import { HttpException, HttpStatus } from '@nestjs/common';
import type { Request } from 'express';

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

/**
 * Reads a raw upload body while counting its bytes, and stops as soon as it passes `limit`: a
 * declared Content-Length above it is refused before a byte is read, an undeclared (chunked) body
 * the moment the count goes over. Nothing beyond `limit` is ever held in memory. After a refusal
 * the rest of the body is read and dropped (not kept), so the client gets the 413 instead of a
 * broken connection; the server's request timeout bounds how long that may take.
 */
export async function readPhotoUpload(request: Request, limit: number): Promise<Buffer> {
  const declared = request.header('content-length');
  if (declared !== undefined && Number(declared) > limit) {
    request.resume();
    throw photoTooLarge(limit);
  }
  const encoding = (request.header('content-encoding') ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    request.resume();
    throw refusal(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'unsupported-content-encoding',
      'Content-Encoding',
      'must be identity',
      'A photo is sent as it is (images are compressed already): no Content-Encoding.',
    );
  }
  if (request.readableEnded) return Buffer.alloc(0);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        chunks.length = 0;
        stop();
        request.resume();
        reject(photoTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, received));
    };
    const onError = () => {
      stop();
      reject(refusal(HttpStatus.BAD_REQUEST, 'unreadable-body', 'body', 'could not be read', 'The upload was cut off before it ended.'));
    };
    const stop = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onError);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onError);
  });
}
