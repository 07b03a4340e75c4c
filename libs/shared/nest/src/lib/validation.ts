import { ArgumentMetadata, BadRequestException, ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';

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
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new InvalidRequestException(flattenValidationErrors(errors)),
  });
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
