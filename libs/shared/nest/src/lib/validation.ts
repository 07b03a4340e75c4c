import { ArgumentMetadata, BadRequestException, ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, ValidatorOptions } from 'class-validator';

export interface FieldError {
  /** Dotted path of the offending field, e.g. `discounts.products` or `services.0.price`. */
  readonly field: string;
  readonly reason: string;
}

/** A 400 that names every offending field and why. */
export class InvalidRequestException extends BadRequestException {
  constructor(readonly fieldErrors: readonly FieldError[]) {
    super({
      statusCode: 400,
      error: 'Bad Request',
      message: fieldErrors.map((e) => `${e.field}: ${e.reason}`).join('; '),
      errors: fieldErrors,
    });
  }
}

/**
 * Global validation: unknown fields are refused (not silently dropped), payloads are turned
 * into DTO instances, and failures become InvalidRequestException.
 */
export function createValidationPipe(): ValidationPipe {
  return new NoNullForOptionalValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new InvalidRequestException(flattenValidationErrors(errors)),
  });
}

/**
 * class-validator's @IsOptional lets `null` through as well as a missing field, and the use cases
 * (like the OpenAPI documents) take an optional field as absent or of its type, never null. So a
 * `null` for an optional field is a 400 naming it, unless the field says what null means with a
 * @ValidateIf of its own (a retention period of "never", say), which then documents it as nullable.
 */
class NoNullForOptionalValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // A JSON array where the route takes an object: class-validator passes an empty one (it has no
    // field to refuse), and a route whose fields are all optional would act on it.
    if (metadata.type === 'body' && Array.isArray(value) && isRequestClass(metadata.metatype)) {
      throw new InvalidRequestException([{ field: 'body', reason: 'must be a JSON object' }]);
    }
    return super.transform(value, metadata);
  }

  protected override async validate(object: object, validatorOptions?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, validatorOptions);
    return [...errors, ...nullsForOptionalFields(object, '')];
  }
}

/** A DTO class, not one of the types a body may also be declared as (Array, Object, a primitive). */
function isRequestClass(metatype: ArgumentMetadata['metatype']): boolean {
  return typeof metatype === 'function' && ![Array, Object, String, Number, Boolean].includes(metatype as never);
}

interface RuleMetadata {
  readonly type: string;
  readonly name?: string;
  readonly propertyName: string;
}

function nullsForOptionalFields(object: unknown, parent: string, depth = 0): ValidationError[] {
  if (typeof object !== 'object' || object === null || depth > 10) return [];
  if (Array.isArray(object)) return object.flatMap((item, index) => nullsForOptionalFields(item, `${parent}${index}.`, depth + 1));
  const rules = getMetadataStorage().getTargetValidationMetadatas(object.constructor, '', true, false) as unknown as RuleMetadata[];
  if (rules.length === 0) return [];
  const errors: ValidationError[] = [];
  for (const [property, value] of Object.entries(object)) {
    const own = rules.filter((rule) => rule.propertyName === property);
    const conditions = own.filter((rule) => rule.type === 'conditionalValidation');
    if (value === null && conditions.length > 0 && conditions.every((rule) => rule.name === 'isOptional')) {
      errors.push({ property: `${parent}${property}`, constraints: { isNotNull: 'must not be null: leave the field out instead' }, children: [] });
    } else if (value !== null && typeof value === 'object' && own.some((rule) => rule.type === 'nestedValidation')) {
      errors.push(...nullsForOptionalFields(value, `${parent}${property}.`, depth + 1));
    }
  }
  return errors;
}

export function flattenValidationErrors(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason: stripFieldName(reason, error.property) }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** class-validator messages start with the property name ("phone must be ..."); the field is reported apart. */
function stripFieldName(reason: string, property: string): string {
  return reason.startsWith(`${property} `) ? reason.slice(property.length + 1) : reason;
}

/**
 * A path id that must be a UUID (`@Param('clientId', new ParseIdPipe())`): Nest's ParseUUIDPipe
 * refused with a bare message; this one names the parameter like every other 400.
 */
export class ParseIdPipe extends ParseUUIDPipe {
  override async transform(value: string, metadata: ArgumentMetadata): Promise<string> {
    try {
      return await super.transform(value, metadata);
    } catch {
      throw new InvalidRequestException([{ field: metadata.data ?? 'id', reason: 'must be a UUID' }]);
    }
  }
}
