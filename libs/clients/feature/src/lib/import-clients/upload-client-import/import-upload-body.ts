import { createWriteStream } from 'node:fs';
import { HttpException, HttpStatus } from '@nestjs/common';
import type { Request } from 'express';
import { readRawUpload } from '@salon/shared/nest';

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
 * `limit` (see readRawUpload). Never holds the file in memory: a spreadsheet is read from disk
 * (zip formats need random access). Returns the size.
 */
export async function saveImportUpload(request: Request, path: string, limit: number): Promise<number> {
  const file = createWriteStream(path);
  const written = new Promise<void>((resolve, reject) => {
    file.on('finish', resolve);
    file.on('error', reject);
  });
  try {
    return await readRawUpload(request, {
      limit,
      tooLarge: () => importFileTooLarge(limit),
      noContentEncoding: 'An import file is sent as it is: no Content-Encoding.',
      take: (chunk) => file.write(chunk),
      drained: (resume) => file.once('drain', resume),
    });
  } finally {
    file.end();
    await written;
  }
}
