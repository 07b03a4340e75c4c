import { LedgeredVisit, computeCardVisitTotals } from './card-visit-totals';

const visit = (id: string, number: number, startsAt: string, status: LedgeredVisit['status'], amount = 50): LedgeredVisit => ({
  _id: id,
  number,
  status,
  startsAt: new Date(startsAt),
  salonDate: startsAt.slice(0, 10),
  salonId: 'salon-1',
  services: ['Haircut'],
  specialists: ['Anna'],
  amount,
});

describe('computeCardVisitTotals', () => {
  it('has nothing for a client without visits', () => {
    expect(computeCardVisitTotals([])).toEqual({
      firstVisitAt: null,
      lastVisitAt: null,
      visitCount: 0,
      countsByStatus: { booked: 0, confirmed: 0, arrived: 0, completed: 0, cancelled: 0, noShow: 0 },
      firstVisit: null,
      lastVisit: null,
    });
  });

  it('counts completed visits for first, last and the count, and every visit by status beside them', () => {
    const statistics = computeCardVisitTotals([
      visit('v-late', 5, '2025-03-10T10:00:00Z', 'completed', 120),
      visit('v-cancelled', 6, '2025-01-05T10:00:00Z', 'cancelled'),
      visit('v-first', 2, '2025-02-01T09:00:00Z', 'completed', 80),
      visit('v-no-show', 7, '2025-04-01T10:00:00Z', 'no-show'),
      visit('v-middle', 3, '2025-02-15T09:00:00Z', 'completed'),
      visit('v-next', 8, '2025-05-01T10:00:00Z', 'booked'),
    ]);
    expect(statistics).toMatchObject({
      firstVisitAt: new Date('2025-02-01T09:00:00Z'),
      lastVisitAt: new Date('2025-03-10T10:00:00Z'),
      visitCount: 3,
      countsByStatus: { booked: 1, confirmed: 0, arrived: 0, completed: 3, cancelled: 1, noShow: 1 },
      firstVisit: { visitId: 'v-first', number: 2, amount: 80, status: 'completed', salonDate: '2025-02-01', services: ['Haircut'], specialists: ['Anna'] },
      lastVisit: { visitId: 'v-late', number: 5, amount: 120 },
    });
  });

  it('breaks a tie on the start by the visit number, whatever the order read', () => {
    const a = visit('a', 10, '2025-02-01T09:00:00Z', 'completed');
    const b = visit('b', 11, '2025-02-01T09:00:00Z', 'completed');
    for (const entries of [[a, b], [b, a]]) {
      const statistics = computeCardVisitTotals(entries);
      expect([statistics.firstVisit?.visitId, statistics.lastVisit?.visitId]).toEqual(['a', 'b']);
    }
  });
});
