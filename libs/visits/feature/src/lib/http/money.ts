import { applyDecorators } from '@nestjs/common';
import { IsNumber, Max, Min } from 'class-validator';
import { MaxDecimalPlaces } from '@salon/shared/nest';

/**
 * The largest amount of money a request may name, in the chain's currency. Far above any visit,
 * and low enough that sums in cents over every line of a visit stay exact integers
 * (50 lines × 10⁹ × 100 ≪ 2⁵³).
 */
export const MAX_MONEY = 1_000_000_000;

/** Money in a request: a finite number, at most two decimals, from `min` up to MAX_MONEY. */
export function IsMoney({ min = 0 }: { min?: number } = {}): PropertyDecorator {
  return applyDecorators(IsNumber({ allowNaN: false, allowInfinity: false }), MaxDecimalPlaces(2), Min(min), Max(MAX_MONEY));
}
