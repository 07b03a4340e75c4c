import type { OpenAPIObject } from '@nestjs/swagger';
import { AUDIT_ID_PATTERN, AUDIT_ID_RULE, READS_CALLER_ID_HEADERS } from './command-context.decorator';
import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_RULE, IF_MATCH_PATTERN, IF_MATCH_RULE } from './http-preconditions';

/** What the OpenAPI document says of the headers whose values end up in events (one place for every route). */
interface HeaderRule {
  readonly name: string;
  readonly pattern: RegExp;
  readonly maxLength: number;
  /** What the header is for, where the route does not say it itself. */
  readonly about: string;
  readonly rule: string;
  /** An empty value counts as no header (the route reads it so), unless the header is required. */
  readonly emptyIsAbsent: boolean;
  /** Documented only where the route declares it (@ApiHeader), not on every route that reads the caller-id headers. */
  readonly onlyWhereDeclared?: boolean;
}

const HEADER_RULES: readonly HeaderRule[] = [
  {
    name: 'X-Salon-Id',
    pattern: AUDIT_ID_PATTERN,
    maxLength: 64,
    about: "The salon where the request is made (recorded in the events; default: the user's only salon).",
    rule: `It ${AUDIT_ID_RULE} (else 400 naming the header); for staff bound to some salons one of theirs (else 403 salon-not-yours).`,
    emptyIsAbsent: true,
  },
  {
    name: 'Idempotency-Key',
    pattern: IDEMPOTENCY_KEY_PATTERN,
    maxLength: 100,
    about: 'On a write, a retry with the same key records nothing twice.',
    rule: `It ${IDEMPOTENCY_KEY_RULE}; anything else is a 400 naming the header.`,
    emptyIsAbsent: true,
  },
  {
    name: 'If-Match',
    pattern: IF_MATCH_PATTERN,
    maxLength: 22,
    about: 'The ETag of the record as you loaded it.',
    rule: `It ${IF_MATCH_RULE}; anything else is a 400 naming the header.`,
    emptyIsAbsent: true,
    onlyWhereDeclared: true,
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
 * route's own description says. `If-Match` gets its format wherever a route declares it.
 */
export function describeCallerIdHeaders(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item as Record<string, Operation>)) {
      if (typeof operation !== 'object' || operation === null) continue;
      if (operation.parameters) operation.parameters = withoutDuplicateHeaders(operation.parameters);
      const readsHeaders = operation[READS_CALLER_ID_HEADERS] === true;
      delete operation[READS_CALLER_ID_HEADERS];
      for (const { name, pattern, maxLength, about, rule, emptyIsAbsent, onlyWhereDeclared } of HEADER_RULES) {
        const parameters = (operation.parameters ??= []);
        let parameter = parameters.find((candidate) => candidate.in === 'header' && candidate.name?.toLowerCase() === name.toLowerCase());
        if (!parameter && readsHeaders && !onlyWhereDeclared) parameters.push((parameter = { name, in: 'header', required: false }));
        if (!parameter) continue;
        parameter.schema = { ...parameter.schema, type: 'string', pattern: headerPattern(pattern, emptyIsAbsent && !parameter.required), maxLength };
        parameter.description = `${parameter.description || about} ${rule}`;
      }
      if (operation.parameters?.length === 0) delete operation.parameters;
    }
  }
  return document;
}

/** A header rule's pattern as the route reads the header: where an empty value counts as no header, the pattern says so. */
function headerPattern(pattern: RegExp, emptyIsAbsent: boolean): string {
  const value = pattern.source.replace(/^\^/, '').replace(/\$$/, '');
  return emptyIsAbsent ? `^(?:${value})?$` : pattern.source;
}

/**
 * One parameter per header: `@Headers('if-match')` and `@ApiHeader({ name: 'If-Match' })` both
 * make one (header names are case-insensitive); the declared one's name and words are kept.
 */
function withoutDuplicateHeaders(parameters: Parameter[]): Parameter[] {
  const kept: Parameter[] = [];
  for (const parameter of parameters) {
    const twin = parameter.in === 'header' ? kept.find((candidate) => candidate.in === 'header' && candidate.name?.toLowerCase() === parameter.name?.toLowerCase()) : undefined;
    if (!twin) {
      kept.push(parameter);
      continue;
    }
    const [declared, other] = parameter.description !== undefined || twin.description === undefined ? [parameter, twin] : [twin, parameter];
    kept[kept.indexOf(twin)] = { ...other, ...declared, required: Boolean(declared.required || other.required), schema: { ...other.schema, ...declared.schema } };
  }
  return kept;
}
