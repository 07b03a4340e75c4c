import { HttpException, HttpStatus } from '@nestjs/common';
import type { Request } from 'express';

export interface RawUploadRules {
  /** The most bytes the upload may have. */
  readonly limit: number;
  /** The 413 to answer when the upload is larger (it names the limit in the caller's terms). */
  readonly tooLarge: () => HttpException;
  /** Why a compressed body is refused, in the upload's terms ("A photo is sent as it is…"). */
  readonly noContentEncoding: string;
  /**
   * Takes each chunk as it arrives; answers false when its destination is full, and the body is
   * paused until `drained` fires (a file written as it arrives).
   */
  readonly take: (chunk: Buffer) => boolean;
  /** Registers the one call that resumes a body paused by `take`. */
  readonly drained?: (resume: () => void) => void;
}

function refusal(status: number, error: string, field: string, reason: string, message: string): HttpException {
  return new HttpException({ statusCode: status, error, message, errors: [{ field, reason }] }, status);
}

/**
 * Reads a raw upload body (not JSON: a photo, a spreadsheet) while counting its bytes, and stops
 * as soon as it passes the limit: a declared Content-Length above it is refused before a byte is
 * read, an undeclared (chunked) body the moment the count goes over, and nothing beyond the limit
 * is handed on. After a refusal the rest of the body is read and dropped, so the caller gets the
 * 413 instead of a broken connection (the server's request timeout bounds how long that takes).
 * Resolves with the number of bytes taken.
 */
export async function readRawUpload(request: Request, rules: RawUploadRules): Promise<number> {
  const declared = request.header('content-length');
  if (declared !== undefined && Number(declared) > rules.limit) {
    request.resume();
    throw rules.tooLarge();
  }
  const encoding = (request.header('content-encoding') ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    request.resume();
    throw refusal(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'unsupported-content-encoding', 'Content-Encoding', 'must be identity', rules.noContentEncoding);
  }
  if (request.readableEnded) return 0;
  return new Promise<number>((resolve, reject) => {
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > rules.limit) {
        stop();
        request.resume();
        reject(rules.tooLarge());
        return;
      }
      if (!rules.take(chunk)) {
        request.pause();
        rules.drained?.(() => request.resume());
      }
    };
    const onEnd = () => {
      stop();
      resolve(received);
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
