import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';

/** A stream revision as an HTTP entity tag. */
export function etagOf(revision: bigint | string | undefined): string {
  return `"${revision ?? -1}"`;
}

/**
 * The revision an `If-Match` header names (`"3"` or `W/"3"`). Required on an explicit save, so
 * that nobody overwrites changes they never saw: missing → 428, malformed → 400.
 */
export function requiredRevision(ifMatch: string | undefined): bigint {
  if (ifMatch === undefined || ifMatch.trim() === '') {
    throw new HttpException(
      {
        statusCode: HttpStatus.PRECONDITION_REQUIRED,
        error: 'if-match-required',
        message: 'Send the ETag you loaded as If-Match, so a save cannot overwrite changes you have not seen.',
      },
      HttpStatus.PRECONDITION_REQUIRED,
    );
  }
  return parseRevision(ifMatch);
}

export function optionalRevision(ifMatch: string | undefined): bigint | undefined {
  return ifMatch === undefined || ifMatch.trim() === '' ? undefined : parseRevision(ifMatch);
}

/** An `If-Match` this API reads: a revision as etagOf writes it (`"3"`), weak (`W/"3"`) or bare (`3`). */
export const IF_MATCH_PATTERN = /^(?:W\/)?"?(\d{1,18})"?$/;
export const IF_MATCH_RULE = 'must be an ETag returned by this API, e.g. "3"';

function parseRevision(ifMatch: string): bigint {
  const match = IF_MATCH_PATTERN.exec(ifMatch.trim());
  if (!match) {
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: 'If-Match: must be an ETag returned by this API, e.g. "3"',
      errors: [{ field: 'If-Match', reason: 'must be an ETag returned by this API, e.g. "3"' }],
    });
  }
  return BigInt(match[1]);
}

/**
 * An `Idempotency-Key` is stored in event metadata (the command id) and in the key bindings, and
 * is never shredded: it must be an opaque token (a UUID fits), never anything that could be
 * personal data, so no "@", "+", spaces or other punctuation, and at most 100 characters. At least
 * 8, so that two front desks do not pick the same key by chance (a 422 for an unrelated request).
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{8,100}$/;
export const IDEMPOTENCY_KEY_RULE = 'must be 8–100 characters of letters, digits, ".", "_", ":" or "-" (a UUID, say)';

/** The `Idempotency-Key` header: an opaque key, or absent; anything else is a 400 naming the header. */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(header)) {
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: `Idempotency-Key: ${IDEMPOTENCY_KEY_RULE}`,
      errors: [{ field: 'Idempotency-Key', reason: IDEMPOTENCY_KEY_RULE }],
    });
  }
  return header;
}
