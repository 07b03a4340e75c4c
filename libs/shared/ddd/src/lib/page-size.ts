import { DomainError } from './domain-error';

/** Every list of the product: pages of DEFAULT_PAGE_SIZE items unless asked otherwise, MAX_PAGE_SIZE at most. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * The page size a query asked for (`limit`), or the default: anything but a whole number from 1
 * to MAX_PAGE_SIZE is refused as `invalid-limit` naming the field `limit`. `items` names what a
 * page holds, for the message ("clients", "visits").
 */
export function pageSizeOf(limit: number | undefined, items: string): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw DomainError.invalid('invalid-limit', `A page holds 1 to ${MAX_PAGE_SIZE} ${items}`, { field: 'limit' });
  }
  return limit;
}
