import { HttpException, HttpStatus, INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** The largest request body a service reads: a registration form is a few hundred bytes. */
export const MAX_BODY_BYTES = 100 * 1024;

interface BodyParserError {
  /** body-parser's (and raw-body's) name of what went wrong, e.g. `entity.too.large`. */
  readonly type?: unknown;
  readonly status?: unknown;
  readonly limit?: unknown;
}

function refusal(status: number, error: string, field: string, reason: string, message: string): HttpException {
  return new HttpException({ statusCode: status, error, message, errors: [{ field, reason }] }, status);
}

function kilobytes(bytes: number): string {
  return `${Math.round(bytes / 1024)} kB`;
}

/**
 * What the body parsers' refusal means to the caller, as a 4xx with the standard error body; or
 * undefined when `error` is no refusal of theirs. Never echoes the body: a parse error's own
 * message quotes the text it could not read, which may be personal data.
 */
export function bodyParserRefusal(error: unknown): HttpException | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, status, limit } = error as BodyParserError;
  // body-parser and raw-body name their refusals; other errors they pass on (zlib's) get a 4xx status.
  const isRefusal = typeof type === 'string' || (typeof status === 'number' && status >= 400 && status < 500 && 'expose' in error);
  if (!isRefusal) return undefined;
  switch (type) {
    case 'entity.too.large':
    case 'parameters.too.many': {
      const bytes = typeof limit === 'number' ? limit : MAX_BODY_BYTES;
      return refusal(
        HttpStatus.PAYLOAD_TOO_LARGE,
        'payload-too-large',
        'body',
        `must be at most ${kilobytes(bytes)}`,
        `The request body is larger than the limit of ${kilobytes(bytes)} (${bytes} bytes).`,
      );
    }
    case 'charset.unsupported':
      return refusal(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'unsupported-charset',
        'Content-Type',
        'the charset must be utf-8',
        'The request body must be JSON in UTF-8 (Content-Type: application/json; charset=utf-8).',
      );
    case 'encoding.unsupported':
      return refusal(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'unsupported-content-encoding',
        'Content-Encoding',
        'must be identity, gzip, deflate or br',
        'The request body is sent in a content encoding this service cannot read (identity, gzip, deflate or br).',
      );
    case 'entity.parse.failed':
      return refusal(
        HttpStatus.BAD_REQUEST,
        'malformed-json',
        'body',
        'must be a JSON object',
        'The request body is not a JSON object (it must be valid JSON, in UTF-8, starting with "{").',
      );
    case 'request.size.invalid':
      return refusal(
        HttpStatus.BAD_REQUEST,
        'unreadable-body',
        'Content-Length',
        'does not match the body sent',
        'The request body is not as long as its Content-Length says.',
      );
    default:
      // A body that does not decompress (zlib's errors carry no type), an aborted upload, ...
      return refusal(HttpStatus.BAD_REQUEST, 'unreadable-body', 'body', 'could not be read', 'The request body could not be read.');
  }
}

/**
 * Express error middleware right behind the parsers: hands their refusals on as HttpExceptions,
 * so that the global error filter answers them like every other 4xx. (Left alone, a refusal
 * reaches the filter as a plain error, i.e. a 500, and a JSON syntax error as a 400 quoting the body.)
 */
export function bodyParserErrors(error: unknown, _request: Request, _response: Response, next: NextFunction): void {
  next(bodyParserRefusal(error) ?? error);
}

/**
 * The body parsers every service uses: JSON and (as Nest's default) URL-encoded forms, limited to
 * MAX_BODY_BYTES, with their refusals turned into 4xx. Registered before Nest's own, which then
 * sees them in place and adds none.
 */
export function useBodyParsers(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.useBodyParser('json', { limit: MAX_BODY_BYTES });
  express.useBodyParser('urlencoded', { limit: MAX_BODY_BYTES, extended: true });
  express.use(bodyParserErrors);
}
