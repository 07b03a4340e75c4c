import { createWriteStream } from 'node:fs';
import { HttpException, HttpStatus } from '@nestjs/common';
import type { Request } from 'express';

function refusal(status: number, error: string, field: string, reason: string, message: string): HttpException {
  return new HttpException({ statusCode: status, error, message, errors: [{ field, reason }] }, status);
}

export function importFileTooLarge(limit: number): HttpException {
  return refusal(
    HttpStatus.PAYLOAD_TOO_LARGE,
    'payload-too-large',
    'body',
    `must be at most ${limit} bytes`,
    `An import file is at most ${limit} bytes (IMPORT_MAX_FILE_BYTES); this upload is larger.`,
  );
}

/**
 * Writes a raw upload body to `path` while counting its bytes, and stops as soon as it passes
 * `limit` (a declared Content-Length above it before a byte is read). Never holds the file in
 * memory: a spreadsheet is read from disk (zip formats need random access). Returns the size.
 */
export async function saveImportUpload(request: Request, path: string, limit: number): Promise<number> {
  const declared = request.header('content-length');
  if (declared !== undefined && Number(declared) > limit) {
    request.resume();
    throw importFileTooLarge(limit);
  }
  const encoding = (request.header('content-encoding') ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    request.resume();
    throw refusal(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'unsupported-content-encoding',
      'Content-Encoding',
      'must be identity',
      'An import file is sent as it is: no Content-Encoding.',
    );
  }
  const file = createWriteStream(path);
  const written = new Promise<void>((resolve, reject) => {
    file.on('finish', resolve);
    file.on('error', reject);
  });
  if (request.readableEnded) {
    file.end();
    await written;
    return 0;
  }
  const received = await new Promise<number>((resolve, reject) => {
    let count = 0;
    const onData = (chunk: Buffer) => {
      count += chunk.length;
      if (count > limit) {
        stop();
        request.resume();
        reject(importFileTooLarge(limit));
        return;
      }
      if (!file.write(chunk)) {
        request.pause();
        file.once('drain', () => request.resume());
      }
    };
    const onEnd = () => {
      stop();
      resolve(count);
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
  }).finally(() => file.end());
  await written;
  return received;
}
