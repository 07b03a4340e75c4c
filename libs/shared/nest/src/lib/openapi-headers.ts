import type { OpenAPIObject } from '@nestjs/swagger';
import { AUDIT_ID_PATTERN, AUDIT_ID_RULE, READS_CALLER_ID_HEADERS } from './command-context.decorator';
import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_RULE } from './http-preconditions';

/** What the OpenAPI document says of the headers whose values end up in events (one place for every route). */
interface HeaderRule {
  readonly name: string;
  readonly pattern: RegExp;
  readonly maxLength: number;
  /** What the header is for, where the route does not say it itself. */
  readonly about: string;
  readonly rule: string;
}

const HEADER_RULES: readonly HeaderRule[] = [
  {
    name: 'X-Salon-Id',
    pattern: AUDIT_ID_PATTERN,
    maxLength: 64,
    about: "The salon where the request is made (recorded in the events; default: the user's only salon).",
    rule: `It ${AUDIT_ID_RULE} (else 400 naming the header); for staff bound to some salons one of theirs (else 403 salon-not-yours).`,
  },
  {
    name: 'Idempotency-Key',
    pattern: IDEMPOTENCY_KEY_PATTERN,
    maxLength: 100,
    about: 'On a write, a retry with the same key records nothing twice.',
    rule: `It ${IDEMPOTENCY_KEY_RULE}; anything else is a 400 naming the header.`,
  },
];

interface Parameter {
  in?: string;
  name?: string;
  description?: string;
  required?: boolean;
  schema?: Record<string, unknown>;
}

type Operation = { parameters?: Parameter[] } & Record<string, unknown>;

/**
 * Documents `X-Salon-Id` and `Idempotency-Key` on every operation whose route reads them
 * (CurrentCommandContext marks it) and wherever a route declares them with @ApiHeader: the
 * format the services accept (pattern, maxLength) and the answer to anything else, after what the
 * route's own description says.
 */
export function describeCallerIdHeaders(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item as Record<string, Operation>)) {
      if (typeof operation !== 'object' || operation === null) continue;
      const readsHeaders = operation[READS_CALLER_ID_HEADERS] === true;
      delete operation[READS_CALLER_ID_HEADERS];
      for (const { name, pattern, maxLength, about, rule } of HEADER_RULES) {
        const parameters = (operation.parameters ??= []);
        let parameter = parameters.find((candidate) => candidate.in === 'header' && candidate.name?.toLowerCase() === name.toLowerCase());
        if (!parameter && readsHeaders) parameters.push((parameter = { name, in: 'header', required: false }));
        if (!parameter) continue;
        parameter.schema = { ...parameter.schema, type: 'string', pattern: pattern.source, maxLength };
        parameter.description = `${parameter.description || about} ${rule}`;
      }
      if (operation.parameters?.length === 0) delete operation.parameters;
    }
  }
  return document;
}
