import {
  DayVisitEntry,
  STATUS_FIELDS,
  SalonDailyDocument,
  SalonDayVisitsDocument,
  ServiceDailyDocument,
  SpecialistDailyDocument,
  StatusCounts,
  salonDayKey,
  salonDayMemberKey,
} from './bi.documents';
import { fromCents, toCents } from './visit-facts';

export interface DailyStatistics {
  readonly salon: SalonDailyDocument;
  readonly specialists: SpecialistDailyDocument[];
  readonly services: ServiceDailyDocument[];
}

interface Totals {
  visits: StatusCounts;
  revenue: number;
  grossRevenue: number;
  discount: number;
  paid: number;
  completedServices: number;
  /** The name from the visit with the highest number (the most recent spelling). */
  name: string;
  nameFrom: number;
}

/**
 * The statistics of one salon-day, a pure function of its visits and first-visit clients: the
 * same inputs always give the same documents (ids, field order, sorted lists), whatever the
 * order the visits were applied in. Undefined when the day has no visit.
 *
 *  - visits.<status>: visits of the day by their current status (a specialist or service counts
 *    a visit once, however many of its lines they have);
 *  - revenue: Σ amounts.total of completed visits; per specialist/service Σ of their lines' net
 *    (line price minus the discount apportioned pro rata to line prices), so they add up to the
 *    salon's revenue; grossRevenue and discount likewise; paid: Σ paid of visits in any status;
 *  - newClients: completed-visit clients whose first completed visit in the chain is this
 *    salon-day; returningClients: the other completed-visit clients of the day.
 */
export function computeDailyStatistics(day: SalonDayVisitsDocument): DailyStatistics | undefined {
  const entries = Object.values(day.visits ?? {}).sort((a, b) => (a.visitId < b.visitId ? -1 : a.visitId > b.visitId ? 1 : 0));
  if (entries.length === 0) return undefined;
  const { tenantId, salonId, salonDate } = day;

  const salon = emptyTotals('');
  const specialists = new Map<string, Totals>();
  const services = new Map<string, Totals>();
  const completedClients = new Set<string>();

  for (const entry of entries) {
    const completed = entry.status === 'completed';
    count(salon.visits, entry);
    salon.paid += toCents(entry.paid);
    if (completed) {
      completedClients.add(entry.clientId);
      salon.revenue += toCents(entry.total);
      salon.grossRevenue += toCents(entry.price);
      salon.discount += toCents(entry.price) - toCents(entry.total);
      salon.completedServices += entry.lines.length;
    }
    for (const [by, idOf, nameOf] of [
      [specialists, (l: DayVisitEntry['lines'][number]) => l.specialistId, (l: DayVisitEntry['lines'][number]) => l.specialistName],
      [services, (l: DayVisitEntry['lines'][number]) => l.serviceId, (l: DayVisitEntry['lines'][number]) => l.serviceName],
    ] as const) {
      const seen = new Set<string>();
      for (const line of entry.lines) {
        const id = idOf(line);
        const totals = by.get(id) ?? emptyTotals(nameOf(line));
        by.set(id, totals);
        if (entry.number >= totals.nameFrom) {
          totals.name = nameOf(line);
          totals.nameFrom = entry.number;
        }
        if (!seen.has(id)) {
          count(totals.visits, entry);
          seen.add(id);
        }
        totals.paid += toCents(line.paid);
        if (completed) {
          totals.revenue += toCents(line.net);
          totals.grossRevenue += toCents(line.price);
          totals.discount += toCents(line.discount);
          totals.completedServices += 1;
        }
      }
    }
  }

  const firsts = new Set(Object.values(day.firstClients ?? {}));
  const newClients = [...completedClients].filter((clientId) => firsts.has(clientId)).length;
  const dayKey = salonDayKey(tenantId, salonId, salonDate);
  const base = (id: string, totals: Totals) => ({
    _id: id,
    tenantId,
    salonId,
    salonDate,
    visits: totals.visits,
    revenue: fromCents(totals.revenue),
    grossRevenue: fromCents(totals.grossRevenue),
    discount: fromCents(totals.discount),
    paid: fromCents(totals.paid),
  });
  const specialistIds = [...specialists.keys()].sort();
  const serviceIds = [...services.keys()].sort();
  return {
    salon: {
      ...base(dayKey, salon),
      completedClients: completedClients.size,
      newClients,
      returningClients: completedClients.size - newClients,
      specialistIds,
      serviceIds,
    },
    specialists: [...specialists].sort(byKey).map(([specialistId, totals]) => {
      return { ...base(salonDayMemberKey(tenantId, salonId, salonDate, specialistId), totals), specialistId, specialistName: totals.name, completedServices: totals.completedServices };
    }),
    services: [...services].sort(byKey).map(([serviceId, totals]) => {
      return { ...base(salonDayMemberKey(tenantId, salonId, salonDate, serviceId), totals), serviceId, serviceName: totals.name, completedServices: totals.completedServices };
    }),
  };
}

function byKey([a]: [string, Totals], [b]: [string, Totals]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function emptyTotals(name: string): Totals {
  return {
    visits: { booked: 0, confirmed: 0, arrived: 0, completed: 0, cancelled: 0, noShow: 0, total: 0 },
    revenue: 0,
    grossRevenue: 0,
    discount: 0,
    paid: 0,
    completedServices: 0,
    name,
    nameFrom: -Infinity,
  };
}

function count(visits: StatusCounts, entry: DayVisitEntry): void {
  const field = STATUS_FIELDS[entry.status];
  if (field) visits[field] += 1;
  visits.total += 1;
}
