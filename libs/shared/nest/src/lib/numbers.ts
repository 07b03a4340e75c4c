import { ValidationOptions, registerDecorator } from 'class-validator';

/**
 * The decimal places of a finite number as JavaScript writes it (the shortest text that reads
 * back as the same number): 12.5 → 1, 0.29 → 2, 5e-324 → 324, 1.5e-7 → 8, 1e21 → 0.
 *
 * class-validator's `maxDecimalPlaces` splits `String(value)` at the "." and crashes on numbers
 * written with an exponent and no point (5e-324), and miscounts those with both (1.5e-7 as 4).
 */
export function decimalPlaces(value: number): number {
  const [mantissa, exponent = '0'] = String(Math.abs(value)).split('e');
  const fraction = mantissa.split('.')[1] ?? '';
  return Math.max(0, fraction.length - Number(exponent));
}

export function hasAtMostDecimalPlaces(value: unknown, places: number): boolean {
  return typeof value === 'number' && Number.isFinite(value) && decimalPlaces(value) <= places;
}

/**
 * A finite number with at most `places` decimals (money: 2). Use beside `@IsNumber()` without its
 * `maxDecimalPlaces` option, which this replaces.
 */
export function MaxDecimalPlaces(places: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'maxDecimalPlaces',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [places],
      options: { message: `must have at most ${places} decimal places`, ...options },
      validator: { validate: (value: unknown) => hasAtMostDecimalPlaces(value, places) },
    });
}
