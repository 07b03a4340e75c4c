import { INestApplication, Type } from '@nestjs/common';
import { PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer, Reflector } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { PUBLIC_METADATA } from './auth';
import { ERROR_CODES_METADATA, mergeErrorCodes, RouteErrorCodes } from './error-codes.decorator';
import { SENDS_ETAG } from './etag-header.decorator';
import { SALON_SCOPE_EXTENSION } from './salon-scope';
import { ParseIdPipe } from './validation';

/**
 * The part of each service's OpenAPI document that follows from the code's shared machinery
 * rather than from what a route says of itself: the one error body every failure has, the
 * statuses the guards, pipes, interceptors and the error filter answer (derived from the same
 * route metadata they read), and the constraints class-validator enforces on request bodies and
 * query strings. Routes declare only what is theirs (their success body, the conflicts their use
 * case refuses with); a route that declares a status keeps its description, and gets the error
 * body added.
 */

export const ERROR_SCHEMA = 'ErrorResponse';

/** What every non-2xx answer carries (HttpErrorFilter writes it; error-filter.ts). */
const ERROR_BODY = {
  type: 'object',
  description:
    'Every refusal and failure. `error` is a stable code to branch on; `errors` names the fields at fault (a header, a body field as a dotted path, or "request"); `correlationId` is the X-Correlation-Id of the request, for support. Some codes add details of their own (e.g. `currentRevision` on stale-revision, `retryAfterSeconds` on rate-limited).',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer', minimum: 400, maximum: 599, example: 400 },
    error: { type: 'string', example: 'Bad Request' },
    message: { type: 'string', example: 'phone: must be a phone number' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'reason'],
        properties: { field: { type: 'string', example: 'phone' }, reason: { type: 'string', example: 'must be a phone number' } },
      },
    },
    correlationId: { type: 'string', example: '0b7e6c1e-6a53-4c1b-9f0e-2f7d9b1c4a11' },
  },
};

/** What the code's own machinery makes a route answer, read from the route's metadata. */
export interface RouteFacts {
  readonly isPublic: boolean;
  /** Path parameters a ParseIdPipe reads: UUIDs. */
  readonly uuidPathParams: readonly string[];
  /** The DTO of an `@Query()` without a name (its properties are the query parameters). */
  readonly queryDto?: Type;
  /** The `error` codes the route's use case answers, by status (ErrorCodes on the handler and its controller). */
  readonly errorCodes?: Readonly<Record<number, readonly string[]>>;
}

/** Route facts by OpenAPI operationId (`<Controller>_<method>`, @nestjs/swagger's default). */
export function routeFactsOf(app: INestApplication): Map<string, RouteFacts> {
  const reflector = app.get(Reflector);
  const facts = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler: unknown = Object.getOwnPropertyDescriptor(controller.prototype, name)?.value;
        if (typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, { index: number; data?: unknown; pipes?: unknown[] }>;
        const paramTypes = (Reflect.getMetadata('design:paramtypes', controller.prototype, name) ?? []) as Type[];
        const uuidPathParams: string[] = [];
        let queryDto: Type | undefined;
        for (const [key, arg] of Object.entries(args)) {
          const type = Number(key.split(':')[0]);
          if (type === RouteParamtypes.PARAM && typeof arg.data === 'string' && arg.pipes?.some((pipe) => pipe instanceof ParseIdPipe || pipe === ParseIdPipe)) {
            uuidPathParams.push(arg.data);
          }
          if (type === RouteParamtypes.QUERY && arg.data === undefined) queryDto = paramTypes[arg.index];
        }
        facts.set(`${controller.name}_${name}`, {
          isPublic: reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, [handler, controller]) === true,
          uuidPathParams,
          queryDto,
          errorCodes: mergeErrorCodes(
            reflector.get<RouteErrorCodes | undefined>(ERROR_CODES_METADATA, controller),
            reflector.get<RouteErrorCodes | undefined>(ERROR_CODES_METADATA, handler),
          ),
        });
      }
    }
  }
  return facts;
}

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; items?: Schema; required?: string[] };

interface Parameter {
  in?: string;
  name?: string;
  required?: boolean;
  schema?: Schema;
}

interface Response {
  description?: string;
  content?: Record<string, { schema?: Schema }>;
  headers?: Record<string, unknown>;
}

interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, Response>;
  /** Set by ETagHeader: `true`, or the route's note on the header. */
  [SENDS_ETAG]?: true | string;
  /** Set by SalonScope: the route checks the salon a request names against the caller's. */
  [SALON_SCOPE_EXTENSION]?: unknown;
}

/** What the ETag of a route's success answer is (etagOf), and how a client uses it. */
const ETAG_ABOUT = 'The revision of the record this answer reflects: send it as If-Match with the next change.';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function operationsOf(document: OpenAPIObject): Operation[] {
  return methodOperationsOf(document).map(([, operation]) => operation);
}

function methodOperationsOf(document: OpenAPIObject): [string, Operation][] {
  return Object.values(document.paths ?? {}).flatMap((item) =>
    METHODS.map((method) => [method, (item as Record<string, Operation | undefined>)[method]] as const).filter(
      (entry): entry is [string, Operation] => entry[1] !== undefined,
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Constraints: what class-validator checks, said in JSON Schema.

interface ValidationMetadata {
  readonly type: string;
  readonly name?: string;
  readonly propertyName: string;
  readonly constraints?: unknown[];
  readonly each?: boolean;
}

/** The DTO classes class-validator knows, by class name (the name @nestjs/swagger gives their schema). */
function validatedClasses(): Map<string, Type> {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Type, unknown[]> };
  const classes = new Map<string, Type>();
  for (const target of storage.validationMetadatas.keys()) if (typeof target === 'function') classes.set(target.name, target);
  return classes;
}

function rulesOf(dto: Type): Map<string, ValidationMetadata[]> {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false) as unknown as ValidationMetadata[];
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const rule of metadata) byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
  return byProperty;
}

/** Years a strict @IsISO8601 takes (0100–9999). */
const STRICT_ISO_8601_YEAR = '^(?:0[1-9][0-9]{2}|[1-9][0-9]{3})-';

/** One class-validator rule into the (property or item) schema it constrains. */
function applyRule(schema: Schema, rule: ValidationMetadata): void {
  const [first, second] = rule.constraints ?? [];
  switch (rule.name) {
    case 'isString':
      schema.type = 'string';
      break;
    case 'isBoolean':
      schema.type = 'boolean';
      break;
    case 'isInt':
      schema.type = 'integer';
      break;
    case 'isNumber':
      if (schema.type !== 'integer') schema.type = 'number';
      break;
    case 'maxLength':
      schema.maxLength = first;
      break;
    case 'minLength':
      schema.minLength = first;
      break;
    case 'isLength':
      schema.minLength = first;
      if (typeof second === 'number') schema.maxLength = second;
      break;
    case 'isNotEmpty':
      if (schema.type === 'string' && schema.minLength === undefined) schema.minLength = 1;
      break;
    case 'matches':
      // A pattern with flags (case-insensitive, say) says more than JSON Schema's ECMA regex can.
      if (first instanceof RegExp && first.flags.replace('u', '') === '') schema.pattern = first.source;
      else if (typeof first === 'string' && !second) schema.pattern = first;
      break;
    case 'isIn':
      if (Array.isArray(first)) schema.enum = [...first];
      break;
    case 'isEnum':
      if (first && typeof first === 'object') schema.enum = [...new Set(Object.values(first as object))];
      break;
    case 'min':
      schema.minimum = first;
      break;
    case 'max':
      schema.maximum = first;
      break;
    case 'isPositive':
      schema.minimum = 0;
      schema.exclusiveMinimum = true;
      break;
    case 'isUuid':
      schema.type = 'string';
      schema.format = 'uuid';
      break;
    case 'isEmail':
      schema.format = 'email';
      break;
    case 'isIso8601':
    case 'isDateString':
      schema.format = 'date-time';
      // In strict mode the date must exist as written, and JavaScript's Date reads years 0–99 as 1900–1999: 0100 and later.
      if ((first as { strict?: boolean } | undefined)?.strict) schema.pattern = STRICT_ISO_8601_YEAR;
      break;
    case 'arrayMaxSize':
      schema.maxItems = first;
      break;
    case 'arrayMinSize':
      schema.minItems = first;
      break;
    case 'arrayNotEmpty':
      schema.minItems = Math.max(Number(schema.minItems ?? 0), 1);
      break;
    case 'arrayUnique':
      schema.uniqueItems = true;
      break;
    case 'maxDecimalPlaces': {
      // multipleOf cannot say it of binary floats (57 × 0.01 is 0.5700000000000001): the description does.
      const rule = `At most ${String(first)} decimal places.`;
      if (!String(schema.description ?? '').includes(rule)) schema.description = `${schema.description ? `${String(schema.description)} ` : ''}${rule}`;
      break;
    }
    default:
      break;
  }
}

/**
 * The properties of a DTO the validation pipe requires: those with rules and without @IsOptional
 * or @ValidateIf (class-validator's conditional validations).
 */
function requiredProperties(dto: Type): string[] {
  return [...rulesOf(dto)]
    .filter(([, rules]) => rules.some((rule) => rule.type !== 'whitelistValidation') && !rules.some((rule) => rule.type === 'conditionalValidation'))
    .map(([property]) => property);
}

/** Writes a DTO's class-validator rules into its properties' schemas. */
function constrain(properties: Record<string, Schema>, dto: Type, resolve: (schema: Schema) => Schema): void {
  for (const [property, rules] of rulesOf(dto)) {
    const schema = properties[property];
    if (!schema) continue;
    const target = resolve(schema);
    for (const rule of rules) {
      if (rule.type !== 'customValidation' && rule.type !== 'isDefined') continue;
      if (rule.each && target.type === 'array' && target.items && !('$ref' in target.items)) applyRule(target.items, rule);
      else if (!rule.each) applyRule(target, rule);
    }
  }
}

/** The schemas reachable from the request bodies: those the validation pipe checks. */
function requestSchemaNames(document: OpenAPIObject): Set<string> {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const names = new Set<string>();
  const visit = (schema: unknown): void => {
    if (!schema || typeof schema !== 'object') return;
    const ref = (schema as { $ref?: unknown }).$ref;
    if (typeof ref === 'string') {
      const name = ref.replace('#/components/schemas/', '');
      if (names.has(name)) return;
      names.add(name);
      visit(schemas[name]);
      return;
    }
    for (const value of Object.values(schema)) visit(value);
  };
  for (const operation of operationsOf(document)) visit(operation.requestBody);
  return names;
}

/**
 * The validation pipe's rules in the document: every constraint of a request DTO (lengths,
 * patterns, enums, ranges, formats, array sizes) on its schema, `additionalProperties: false`
 * where the pipe refuses unknown fields (forbidNonWhitelisted), the rules of an `@Query()` DTO on
 * its query parameters, and `format: uuid` on the path ids a ParseIdPipe reads.
 */
export function describeValidationRules(document: OpenAPIObject, facts: ReadonlyMap<string, RouteFacts>): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const classes = validatedClasses();
  const resolve = (schema: Schema): Schema => {
    const ref = schema.$ref ?? (Array.isArray(schema.allOf) && schema.allOf.length === 1 ? (schema.allOf[0] as Schema).$ref : undefined);
    return typeof ref === 'string' ? schemas[ref.replace('#/components/schemas/', '')] ?? schema : schema;
  };
  for (const name of requestSchemaNames(document)) {
    const schema = schemas[name];
    const dto = classes.get(name);
    if (!schema || schema.type !== 'object') continue;
    schema.additionalProperties = false;
    if (dto && schema.properties) {
      constrain(schema.properties, dto, (property) => property);
      const required = requiredProperties(dto).filter((property) => schema.properties?.[property]);
      if (required.length > 0) schema.required = required;
      else delete schema.required;
    }
  }
  for (const operation of operationsOf(document)) {
    // A JSON body whose fields are all optional may be left out: the pipe validates `{}`.
    const body = operation.requestBody?.content?.['application/json']?.schema;
    const bodySchema = body ? resolve(body) : undefined;
    if (operation.requestBody && bodySchema?.type === 'object' && bodySchema.additionalProperties === false && !bodySchema.required?.length) {
      (operation.requestBody as { required?: boolean }).required = false;
    }
    const route = operation.operationId ? facts.get(operation.operationId) : undefined;
    if (!route) continue;
    for (const parameter of operation.parameters ?? []) {
      if (parameter.in === 'path' && parameter.name && route.uuidPathParams.includes(parameter.name)) {
        parameter.schema = { ...parameter.schema, type: 'string', format: 'uuid' };
      }
    }
    if (route.queryDto) {
      const query = Object.fromEntries(
        (operation.parameters ?? []).filter((parameter) => parameter.in === 'query' && parameter.name).map((parameter) => [parameter.name as string, (parameter.schema ??= {})]),
      );
      constrain(query, route.queryDto, resolve);
      const required = requiredProperties(route.queryDto);
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'query' && parameter.name) parameter.required = required.includes(parameter.name);
      }
    }
  }
  return document;
}

// ---------------------------------------------------------------------------------------------
// Error answers: the statuses the shared machinery gives, from the route's facts and document.

interface ErrorAnswer {
  readonly description: string;
  /** The codes the shared machinery answers with this status on this route. */
  readonly codes?: readonly string[];
  /**
   * The status also carries codes of the route's use case (its rules of input, its records not
   * found): the codes are all known only when the route names its own (ErrorCodes).
   */
  readonly open?: true;
  /** What sets this list of the machinery's codes apart from another of the same status: its schema's name (`Error403SalonScoped`). */
  readonly variant?: string;
  /** Answered before the app sees the request (Node's HTTP parser): no body. */
  readonly empty?: boolean;
}

/** Node's HTTP parser refuses a request line and headers above its limit (16 kB) with an empty 431. */
export const REQUEST_HEADERS_TOO_LARGE = 431;

function hasHeader(operation: Operation, name: string): Parameter | undefined {
  return operation.parameters?.find((parameter) => parameter.in === 'header' && parameter.name?.toLowerCase() === name.toLowerCase());
}

/** The error answers a route gets from the guards, pipes, interceptors and the filter. */
function errorAnswersOf(method: string, operation: Operation, route: RouteFacts | undefined): Map<number, ErrorAnswer> {
  const answers = new Map<number, ErrorAnswer>();
  const parameters = operation.parameters ?? [];
  const hasBody = operation.requestBody !== undefined;
  const ifMatch = hasHeader(operation, 'If-Match');
  const idempotencyKey = hasHeader(operation, 'Idempotency-Key');
  const salonHeader = hasHeader(operation, 'X-Salon-Id');
  const reasons400: string[] = [];
  if (parameters.some((parameter) => parameter.in === 'path' || parameter.in === 'query')) reasons400.push('a path or query parameter out of its schema');
  if (hasBody) reasons400.push('a body that is not JSON (malformed-json, unreadable-body) or not of its schema, or breaks a rule of the use case');
  if (ifMatch || idempotencyKey || salonHeader) reasons400.push('a header out of its schema');
  if (!route?.isPublic) {
    answers.set(401, { description: 'No bearer token, or one that is not valid (expired, wrong issuer or audience, bad signature).', codes: ['Unauthorized'] });
    answers.set(403, {
      description: "The caller's roles do not include one this route names (x-roles), or the salon named is not one of the caller's (salon-not-yours).",
      // ForbiddenException (AuthGuard) names its status; the salon scope its own code.
      ...(operation[SALON_SCOPE_EXTENSION] !== undefined || salonHeader ? { codes: ['Forbidden', 'salon-not-yours'], variant: 'SalonScoped' } : { codes: ['Forbidden'] }),
    });
    answers.set(429, { description: 'Over the rate limit of the route class (x-rate-limit), for the user or the tenant; `retryAfterSeconds` says when to try again.', codes: ['rate-limited'] });
  }
  if (reasons400.length > 0) {
    const query = (name: string) => parameters.some((parameter) => parameter.in === 'query' && parameter.name === name);
    answers.set(400, {
      description: `Invalid request: ${reasons400.join('; ')}. \`errors\` names each field.`,
      // The validation pipe, ParseIdPipe and the header checks answer Nest's 'Bad Request'; the body parsers their own codes;
      // the shared page rules theirs (page-size.ts, cursor-codec.ts). The rules of the use case are the route's own (ErrorCodes).
      codes: [
        'Bad Request',
        ...(hasBody ? ['malformed-json', 'unreadable-body'] : []),
        ...(query('limit') ? ['invalid-limit'] : []),
        ...(query('cursor') ? ['invalid-cursor'] : []),
      ],
    });
  }
  if (parameters.some((parameter) => parameter.in === 'query')) {
    answers.set(REQUEST_HEADERS_TOO_LARGE, { description: 'The URL and headers together are larger than the server reads (16 kB); no body.', empty: true });
  }
  if (parameters.some((parameter) => parameter.in === 'path')) {
    // A path parameter left empty matches no route: Nest's own 404 ('Not Found'). The records a use case does not find are its own codes.
    answers.set(404, { description: 'No such record in the caller’s chain (or it was erased).', codes: ['Not Found'], open: true });
  }
  if (hasBody) {
    answers.set(413, { description: 'The body is larger than the service reads.', codes: ['payload-too-large'] });
    answers.set(415, { description: 'The body is in a charset or content encoding the service cannot read.', codes: ['unsupported-charset', 'unsupported-content-encoding'] });
  }
  if (idempotencyKey) {
    answers.set(422, { description: 'The Idempotency-Key was already used for a different request; nothing was done.', codes: ['idempotency-key-reused'] });
  }
  if (ifMatch) {
    answers.set(409, { description: 'The record changed since the ETag sent as If-Match (stale-revision, with `currentRevision`).', codes: ['stale-revision'] });
    if (ifMatch.required) answers.set(428, { description: 'If-Match is missing: send the ETag you loaded.', codes: ['if-match-required'] });
  }
  if (idempotencyKey && !ifMatch && method !== 'get') {
    // The write reads its stream and appends on that revision; a concurrent writer makes it try again, a few times.
    answers.set(409, {
      description: 'Other writes to the record won the race more often than the service tries again (stale-revision, with `currentRevision`); send it again.',
      codes: ['stale-revision'],
    });
  }
  if (idempotencyKey || ifMatch) {
    answers.set(410, {
      description: 'An operator deleted the record from the event store (a hard delete, not an erasure): nothing can be written to it again.',
      codes: ['stream-deleted'],
    });
    answers.set(503, {
      description:
        'The event store, the idempotency keys or the database cannot be reached just now (Retry-After with read-model-unavailable); nothing was decided, a retry with the same Idempotency-Key is safe.',
      codes: ['event-store-unavailable', 'idempotency-keys-unavailable', 'read-model-unavailable'],
    });
  } else if (!route?.isPublic) {
    // HttpErrorFilter answers any MongoDB driver error of an unreachable server so.
    answers.set(503, { description: 'The database cannot be reached just now; Retry-After says when to ask again.', codes: ['read-model-unavailable'] });
  }
  // HttpErrorFilter's answer to a failure it does not know; its details are in the log, by correlationId.
  answers.set(500, { description: 'A failure on our side; the log has its details under the correlationId of the answer.', codes: ['Internal Server Error'] });
  return answers;
}

/**
 * The error body of one status and the `error` codes it can carry, as a named schema, one per
 * status and code list, shared by the routes with the same list: the machinery's codes alone are
 * `Error409` (`Error403SalonScoped` for a variant), a list with a route's own codes is named after
 * its operation (`RegisterClientError409`), and a status whose codes are not all known keeps
 * `error` the free string of ErrorResponse (`Error400`; `Error404Unlisted` elsewhere).
 */
class ErrorSchemas {
  private readonly names = new Map<string, string>();

  constructor(private readonly schemas: Record<string, unknown>) {}

  content(status: number, codes: readonly string[] | undefined, name: string): Response['content'] {
    const key = `${status}:${codes?.join(',') ?? '*'}`;
    let unique = this.names.get(key);
    if (!unique) {
      unique = name;
      for (let suffix = 2; this.schemas[unique] !== undefined; suffix++) unique = `${name}_${suffix}`;
      const refinement = { type: 'object', properties: { statusCode: { type: 'integer', enum: [status] }, ...(codes ? { error: { type: 'string', enum: [...codes] } } : {}) } };
      this.schemas[unique] = { allOf: [{ $ref: `#/components/schemas/${ERROR_SCHEMA}` }, refinement] };
      this.names.set(key, unique);
    }
    return { 'application/json': { schema: { $ref: `#/components/schemas/${unique}` } } };
  }
}

/** `RegisterClientController_register` → `RegisterClient`, `ChangeVisitStatusController_confirm` → `ChangeVisitStatusConfirm`. */
export function operationSchemaPrefix(operationId: string): string {
  const [controller = '', method = ''] = operationId.split('_');
  const name = controller.replace(/Controller$/, '');
  const words = method.split(/(?=[A-Z])/).map((word) => word.toLowerCase());
  return words.every((word) => name.toLowerCase().includes(word)) ? name : `${name}${method.charAt(0).toUpperCase()}${method.slice(1)}`;
}

/**
 * The codes of one error status of a route, when all are known: the machinery's for the status
 * and the route's own (ErrorCodes). Unknown (undefined) when the machinery leaves the status open
 * to the use case (400, 404) and the route names none, or when only the route's prose declares it.
 */
function codesOf(answer: ErrorAnswer | undefined, routeCodes: readonly string[] | undefined): string[] | undefined {
  if (!answer && !routeCodes) return undefined;
  if (answer?.open && !routeCodes) return undefined;
  if (answer && !answer.codes) return undefined;
  return [...new Set([...(answer?.codes ?? []), ...(routeCodes ?? [])])];
}

/**
 * Adds to each operation the error answers its route gets from the shared machinery (401/403/429
 * behind the AuthGuard and rate limits, 400 for parameters, headers and bodies, 404 on a path
 * id, 413/415 on a body, 422 with an Idempotency-Key, 409/428 with If-Match, 410/503 on writes,
 * 500 everywhere) and
 * those its use case names (ErrorCodes), and gives every 4xx/5xx of the document the shared error
 * body, its `error` an enum of the codes the route can answer with that status where all are known.
 */
export function describeErrorAnswers(document: OpenAPIObject, facts: ReadonlyMap<string, RouteFacts>): OpenAPIObject {
  document.components ??= {};
  const schemas = (document.components.schemas = { ...document.components.schemas, [ERROR_SCHEMA]: ERROR_BODY as never }) as Record<string, unknown>;
  const errors = new ErrorSchemas(schemas);
  for (const [method, operation] of methodOperationsOf(document)) {
    const route = operation.operationId ? facts.get(operation.operationId) : undefined;
    const owner = operation.operationId ? operationSchemaPrefix(operation.operationId) : undefined;
    const responses = (operation.responses ??= {});
    const answers = errorAnswersOf(method, operation, route);
    for (const [status, answer] of answers) {
      const declared = responses[String(status)];
      // The route's own word on a status (its use case's conflicts, say) comes first.
      if (declared) {
        if (!declared.description) declared.description = answer.description;
        else if (!declared.description.includes(answer.description)) declared.description = `${declared.description} ${answer.description}`;
      } else {
        responses[String(status)] = { description: answer.description };
      }
    }
    for (const [status, codes] of Object.entries(route?.errorCodes ?? {})) {
      responses[status] ??= { description: codes.join(', ') };
    }
    // A route sends an ETag only through ETagHeader, which marks its operation: documented there.
    const etag = operation[SENDS_ETAG];
    delete operation[SENDS_ETAG];
    for (const [status, response] of Object.entries(responses)) {
      const code = Number(status);
      const answer = answers.get(code);
      if (code >= 400 && code !== REQUEST_HEADERS_TOO_LARGE && !answer?.empty && !response.content) {
        const codes = codesOf(answer, route?.errorCodes?.[code]);
        const ownCodes = codes !== undefined && (route?.errorCodes?.[code] ?? []).some((one) => !answer?.codes?.includes(one));
        const name =
          codes === undefined ? `Error${code}${code === 400 ? '' : 'Unlisted'}` : ownCodes && owner ? `${owner}Error${code}` : `Error${code}${answer?.variant ?? ''}`;
        response.content = errors.content(code, codes, name);
      }
      if (etag !== undefined && code >= 200 && code < 300) {
        const description = typeof etag === 'string' ? `${ETAG_ABOUT} ${etag}` : ETAG_ABOUT;
        response.headers = { ...response.headers, ETag: { description, schema: { type: 'string', pattern: '^"-?\\d+"$' } } };
      }
    }
  }
  return document;
}
