import { applyDecorators } from '@nestjs/common';
import { IsNumber, Max, Min } from 'class-validator';
import { MaxDecimalPlaces } from '@salon/shared/nest';
import { VISIT_LIMITS } from '@salon/visits/domain';

/**
 * The largest amount of money a request may name, in the chain's currency: the business bound of
 * the visit decider (a line, a visit's lines together, a discount, a payment), which also checks
 * the sums.
 */
export const MAX_MONEY = VISIT_LIMITS.maxAmount;

/** Money in a request: a finite number, at most two decimals, from `min` up to MAX_MONEY. */
export function IsMoney({ min = 0 }: { min?: number } = {}): PropertyDecorator {
  return applyDecorators(IsNumber({ allowNaN: false, allowInfinity: false }), MaxDecimalPlaces(2), Min(min), Max(MAX_MONEY));
}
