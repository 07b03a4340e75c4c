import type { VisitStatusV1 } from '@salon/contracts';
import type { ReadModelDocument } from '@salon/shared/messaging';

/** Logical collection names (each is versioned for rebuilds: `bi_salon_daily_v1`, ...). */
export const BI_COLLECTIONS = {
  /** One document per visit: what the statistics are computed from (internal, but readable). */
  visitFacts: 'bi_visit_facts',
  /** One document per salon-day: its visits and the clients whose first completed visit it holds (internal). */
  salonDayVisits: 'bi_salon_day_visits',
  /** One document per chain and client with a completed visit: the first one (new vs returning). */
  clientFirstVisits: 'bi_client_first_visits',
  salonDaily: 'bi_salon_daily',
  specialistDaily: 'bi_specialist_daily',
  serviceDaily: 'bi_service_daily',
} as const;

/** Visits per status; `noShow` is the status 'no-show'. */
export interface StatusCounts {
  booked: number;
  confirmed: number;
  arrived: number;
  completed: number;
  cancelled: number;
  noShow: number;
  total: number;
}

export const STATUS_FIELDS: Readonly<Record<VisitStatusV1, Exclude<keyof StatusCounts, 'total'>>> = {
  booked: 'booked',
  confirmed: 'confirmed',
  arrived: 'arrived',
  completed: 'completed',
  cancelled: 'cancelled',
  'no-show': 'noShow',
};

/** One service line of a visit fact; money in the chain currency, at most two decimals. */
export interface FactLine {
  serviceId: string;
  serviceName: string;
  specialistId: string;
  specialistName: string;
  /** The line's list price. */
  price: number;
  /** The visit discount apportioned to this line pro rata to its price (largest remainder, to the cent). */
  discount: number;
  /** price − discount: the line's share of the visit total. */
  net: number;
  /** The visit's paid amount apportioned the same way. */
  paid: number;
}

/** `_id` = visit id. */
export interface VisitFactDocument extends ReadModelDocument {
  _id: string;
  tenantId: string;
  clientId: string;
  number: number;
  salonId: string;
  salonDate: string;
  startsAt: Date;
  status: VisitStatusV1;
  amounts: { price: number; discount: number; total: number; paid: number };
  lines: FactLine[];
  revision: number;
  /**
   * Every salon-day key the visit was ever on, the current one among them (a visit rarely moves):
   * the refresh removes it from all but the current one, so no day keeps counting a visit that left.
   */
  days: string[];
}

/** What a salon-day keeps of one visit (from its fact). */
export interface DayVisitEntry {
  visitId: string;
  clientId: string;
  number: number;
  status: VisitStatusV1;
  total: number;
  price: number;
  discount: number;
  paid: number;
  lines: FactLine[];
}

/** `_id` = salon-day key. Maps are keyed by escaped ids (see fieldKey). */
export interface SalonDayVisitsDocument extends ReadModelDocument {
  _id: string;
  tenantId: string;
  salonId: string;
  salonDate: string;
  visits?: Record<string, DayVisitEntry>;
  /** Clients whose first completed visit in the chain is on this salon-day. */
  firstClients?: Record<string, string>;
  /** Digests of the daily documents last written for this day, so unchanged ones are not rewritten. */
  written?: WrittenDigests;
}

export interface WrittenDigests {
  salon?: string;
  /** [specialistId, digest], sorted by id. */
  specialists: [string, string][];
  /** [serviceId, digest], sorted by id. */
  services: [string, string][];
}

export interface FirstVisitRef {
  visitId: string;
  salonId: string;
  salonDate: string;
  startsAt: Date;
}

/** `_id` = `${tenantId}|${clientId}` (parts escaped, see biId). Absent when the client has no completed visit. */
export interface ClientFirstVisitDocument extends ReadModelDocument {
  _id: string;
  tenantId: string;
  clientId: string;
  /** The salon date of the first completed visit in the chain (earliest salonDate, then startsAt, then visit id). */
  firstVisitDate: string;
  firstSalonId: string;
  firstVisitId: string;
  /** Every completed visit, earliest first. */
  completedVisits: FirstVisitRef[];
}

interface DailyBase extends ReadModelDocument {
  _id: string;
  tenantId: string;
  salonId: string;
  salonDate: string;
  visits: StatusCounts;
  /** Σ of what completed visits cost after discount (see the documentation for lines). */
  revenue: number;
  /** Σ of list prices in completed visits. */
  grossRevenue: number;
  /** Σ of discounts in completed visits. */
  discount: number;
  /** Σ paid of the day's visits in any status. */
  paid: number;
}

/** `_id` = `${tenantId}|${salonId}|${salonDate}` (parts escaped, see biId). */
export interface SalonDailyDocument extends DailyBase {
  /** Distinct clients with a completed visit that day. */
  completedClients: number;
  newClients: number;
  returningClients: number;
  specialistIds: string[];
  serviceIds: string[];
}

/** `_id` = `${tenantId}|${salonId}|${salonDate}|${specialistId}` (parts escaped, see biId). */
export interface SpecialistDailyDocument extends DailyBase {
  specialistId: string;
  specialistName: string;
  /** Service lines performed in completed visits. */
  completedServices: number;
}

/** `_id` = `${tenantId}|${salonId}|${salonDate}|${serviceId}` (parts escaped, see biId). */
export interface ServiceDailyDocument extends DailyBase {
  serviceId: string;
  serviceName: string;
  /** Times performed in completed visits. */
  completedServices: number;
}

/**
 * The ids of the BI documents join their parts with `|`; each part is escaped first (`%` → `%25`,
 * `|` → `%7C`), so that no two different part lists give one id (`a|b` + `c` ≠ `a` + `b|c`). Parts
 * without those characters stay as they are: ids written before the escaping are still valid.
 */
export function biId(...parts: readonly string[]): string {
  return parts.map((part) => (ID_SPECIALS.test(part) ? part.replace(/%/g, '%25').replace(/\|/g, '%7C') : part)).join('|');
}

const ID_SPECIALS = /[%|]/;

export function salonDayKey(tenantId: string, salonId: string, salonDate: string): string {
  return biId(tenantId, salonId, salonDate);
}

/** A specialist's or service's day: `${salonDayKey}|${specialistId or serviceId}`, the id escaped. */
export function salonDayMemberKey(tenantId: string, salonId: string, salonDate: string, memberId: string): string {
  return biId(tenantId, salonId, salonDate, memberId);
}

export function clientKey(tenantId: string, clientId: string): string {
  return biId(tenantId, clientId);
}

/** An id usable as a field name in a dotted path ('.', '$' and '%' escaped). */
export function fieldKey(id: string): string {
  return id.replace(/%/g, '%25').replace(/\./g, '%2E').replace(/\$/g, '%24');
}
