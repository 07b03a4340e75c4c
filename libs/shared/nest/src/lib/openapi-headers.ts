import type { OpenAPIObject } from '@nestjs/swagger';
import { AUDIT_ID_PATTERN, AUDIT_ID_RULE } from './command-context.decorator';
import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_RULE } from './http-preconditions';

/** What the OpenAPI document says of the headers whose values end up in events (one place for every route). */
const HEADER_RULES: Readonly<Record<string, { readonly pattern: RegExp; readonly maxLength: number; readonly answers: string }>> = {
  'idempotency-key': { pattern: IDEMPOTENCY_KEY_PATTERN, maxLength: 100, answers: `It ${IDEMPOTENCY_KEY_RULE}; anything else is a 400 naming the header.` },
  'x-salon-id': {
    pattern: AUDIT_ID_PATTERN,
    maxLength: 64,
    answers: `It ${AUDIT_ID_RULE} (else 400 naming the header); for staff bound to some salons one of theirs (else 403 salon-not-yours).`,
  },
};

interface HeaderParameter {
  in?: string;
  name?: string;
  description?: string;
  schema?: Record<string, unknown>;
}

/**
 * Gives every `Idempotency-Key` and `X-Salon-Id` header an operation documents the format the
 * services accept (CurrentCommandContext, idempotencyKeyOf) and the answer to anything else, so
 * a route's @ApiHeader need not repeat it.
 */
export function describeCallerIdHeaders(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item as Record<string, { parameters?: HeaderParameter[] }>)) {
      for (const parameter of operation?.parameters ?? []) {
        const rule = parameter.in === 'header' ? HEADER_RULES[String(parameter.name).toLowerCase()] : undefined;
        if (!rule) continue;
        parameter.schema = { ...parameter.schema, type: 'string', pattern: rule.pattern.source, maxLength: rule.maxLength };
        parameter.description = [parameter.description, rule.answers].filter(Boolean).join(' ');
      }
    }
  }
  return document;
}
