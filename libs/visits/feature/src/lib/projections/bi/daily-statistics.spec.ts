import { DayVisitEntry, SalonDayVisitsDocument } from './bi.documents';
import { computeDailyStatistics } from './daily-statistics';

const lineOf = (serviceId: string, specialistId: string, price: number, discount = 0, paid = 0) => ({
  serviceId,
  serviceName: `Service ${serviceId}`,
  specialistId,
  specialistName: `Specialist ${specialistId}`,
  price,
  discount,
  net: price - discount,
  paid,
});

const entry = (visitId: string, clientId: string, status: DayVisitEntry['status'], lines: DayVisitEntry['lines'], paid = 0): DayVisitEntry => {
  const price = lines.reduce((sum, l) => sum + l.price, 0);
  const discount = lines.reduce((sum, l) => sum + l.discount, 0);
  return { visitId, clientId, number: Number(visitId.replace(/\D/g, '')), status, price, discount, total: price - discount, paid, lines };
};

describe('computeDailyStatistics', () => {
  const day: SalonDayVisitsDocument = {
    _id: 't|s1|2025-11-05',
    tenantId: 't',
    salonId: 's1',
    salonDate: '2025-11-05',
    visits: {
      v3: entry('v3', 'c1', 'completed', [lineOf('cut', 'ann', 100, 10, 90), lineOf('col', 'bob', 200, 20, 180)], 270),
      v1: entry('v1', 'c2', 'completed', [lineOf('cut', 'ann', 100)]),
      v2: entry('v2', 'c2', 'completed', [lineOf('cut', 'bob', 100)]),
      v4: entry('v4', 'c3', 'cancelled', [lineOf('cut', 'ann', 100)]),
      v5: entry('v5', 'c4', 'no-show', [lineOf('col', 'bob', 200)]),
      v6: entry('v6', 'c5', 'booked', [lineOf('cut', 'ann', 100), lineOf('cut', 'ann', 100)], 50),
    },
    firstClients: { c2: 'c2', c9: 'c9' },
  };

  it('counts visits by status, revenue of completed visits, paid of all, new and returning clients', () => {
    const { salon } = computeDailyStatistics(day)!;
    expect(salon).toEqual({
      _id: 't|s1|2025-11-05',
      tenantId: 't',
      salonId: 's1',
      salonDate: '2025-11-05',
      visits: { booked: 1, confirmed: 0, arrived: 0, completed: 3, cancelled: 1, noShow: 1, total: 6 },
      revenue: 470,
      grossRevenue: 500,
      discount: 30,
      paid: 320,
      completedClients: 2,
      newClients: 1,
      returningClients: 1,
      specialistIds: ['ann', 'bob'],
      serviceIds: ['col', 'cut'],
    });
  });

  it('splits revenue by specialist and service from line nets, adding up to the salon revenue', () => {
    const { specialists, services } = computeDailyStatistics(day)!;
    expect(specialists.map((s) => [s._id, s.visits.total, s.visits.completed, s.revenue, s.completedServices, s.paid])).toEqual([
      ['t|s1|2025-11-05|ann', 4, 2, 190, 2, 90],
      ['t|s1|2025-11-05|bob', 3, 2, 280, 2, 180],
    ]);
    expect(services.map((s) => [s.serviceId, s.visits.total, s.revenue, s.grossRevenue, s.discount, s.completedServices])).toEqual([
      ['col', 2, 180, 200, 20, 1],
      ['cut', 5, 290, 300, 10, 3],
    ]);
    // A visit with two lines of one specialist counts once for them.
    expect(specialists[0].visits.booked).toBe(1);
  });

  it('does not depend on the order of the visits', () => {
    const reversed = { ...day, visits: Object.fromEntries(Object.entries(day.visits!).reverse()) };
    expect(JSON.stringify(computeDailyStatistics(reversed))).toBe(JSON.stringify(computeDailyStatistics(day)));
  });

  it('gives nothing for a day without visits', () => {
    expect(computeDailyStatistics({ ...day, visits: {} })).toBeUndefined();
  });
});
