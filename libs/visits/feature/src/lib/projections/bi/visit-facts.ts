import type { VisitSnapshotV1 } from '@salon/contracts';
import { DayVisitEntry, FactLine, VisitFactDocument } from './bi.documents';

/** Money as integer cents, so sums are exact and do not depend on the order they are added in. */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

export function fromCents(cents: number): number {
  return cents / 100;
}

/**
 * Splits `amount` (cents) over parts pro rata to `weights`, to the cent, the parts summing exactly
 * to `amount` (largest remainder; ties go to the earlier part). No weight at all: the first part takes it.
 */
export function apportion(amount: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  if (amount < 0) return apportion(-amount, weights).map((part) => -part || 0);
  const total = weights.reduce((sum, weight) => sum + Math.max(0, weight), 0);
  if (total === 0) return weights.map((_, index) => (index === 0 ? amount : 0));
  const exact = weights.map((weight) => (amount * Math.max(0, weight)) / total);
  const parts = exact.map(Math.floor);
  let left = amount - parts.reduce((sum, part) => sum + part, 0);
  const order = exact.map((value, index) => ({ index, fraction: value - Math.floor(value) })).sort((a, b) => b.fraction - a.fraction || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    parts[index] += 1;
    left -= 1;
  }
  return parts;
}

/**
 * The service lines of a visit with the discount and the paid amount apportioned pro rata to the
 * line prices: each line's `net` is its share of `amounts.total`, and the nets add up to it exactly.
 */
export function factLines(visit: VisitSnapshotV1): FactLine[] {
  const prices = visit.services.map((line) => toCents(line.price));
  const totalCents = toCents(visit.amounts.total);
  const sumCents = prices.reduce((sum, price) => sum + price, 0);
  // The discount as the total states it (price − total), so the line nets always sum to the total.
  const discounts = apportion(sumCents - totalCents, prices);
  const paid = apportion(toCents(visit.amounts.paid), prices);
  return visit.services.map((line, index) => ({
    serviceId: line.serviceId,
    serviceName: line.name,
    specialistId: line.specialistId,
    specialistName: line.specialistName,
    price: fromCents(prices[index]),
    discount: fromCents(discounts[index]),
    net: fromCents(prices[index] - discounts[index]),
    paid: fromCents(paid[index]),
  }));
}

/** The fields of a visit fact but `_id`, `revision` and `days`. */
export function factFields(tenantId: string, visit: VisitSnapshotV1): Omit<VisitFactDocument, '_id' | 'revision' | 'days'> {
  const startsAt = new Date(visit.startsAt);
  if (Number.isNaN(startsAt.getTime())) throw new Error(`A visit event has an invalid start: ${JSON.stringify(visit.startsAt)}`);
  return {
    tenantId,
    clientId: visit.clientId,
    number: visit.number,
    salonId: visit.salonId,
    salonDate: visit.salonDate,
    startsAt,
    status: visit.status,
    amounts: { price: visit.amounts.price, discount: visit.amounts.discount, total: visit.amounts.total, paid: visit.amounts.paid },
    lines: factLines(visit),
  };
}

/** What the salon-day keeps of a visit. */
export function dayEntryOf(fact: VisitFactDocument): DayVisitEntry {
  return {
    visitId: fact._id,
    clientId: fact.clientId,
    number: fact.number,
    status: fact.status,
    total: fact.amounts.total,
    price: fact.amounts.price,
    discount: fact.amounts.discount,
    paid: fact.amounts.paid,
    lines: fact.lines.map((line) => ({ ...line })),
  };
}
