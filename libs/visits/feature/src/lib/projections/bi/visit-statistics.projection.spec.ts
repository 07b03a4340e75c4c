import { projectInMemory } from '@salon/shared/messaging';
import { VisitMessages, line } from '../client-visits/test/visit-messages';
import { BI_COLLECTIONS, VisitFactDocument } from './bi.documents';
import { createVisitStatisticsProjection } from './visit-statistics.projection';

describe('visit statistics projection: the visit facts', () => {
  const projection = createVisitStatisticsProjection();
  const visit = () =>
    new VisitMessages({ visitId: 'visit-1', clientId: 'client-1', number: 3, salonId: 's1', startsAt: '2025-11-05T10:00:00.000Z', services: [line('sv-cut', 'Cut', 100, 'sp-1', 'Ann')], discount: 10 });
  const factOf = async (...messages: Parameters<typeof projectInMemory>[1][number][]) => (await projectInMemory(projection, messages)).get('visit-1') as VisitFactDocument;

  it('keeps one fact per visit at its latest revision, the lines apportioned', async () => {
    const v = visit();
    const booked = v.booked();
    const fact = await factOf(booked, v.arrived(), v.completed(), booked);
    expect(fact).toMatchObject({ _id: 'visit-1', revision: 2, status: 'completed', clientId: 'client-1', salonDate: '2025-11-05', days: ['chain-main|s1|2025-11-05'] });
    expect(fact.lines).toEqual([{ serviceId: 'sv-cut', serviceName: 'Cut', specialistId: 'sp-1', specialistName: 'Ann', price: 100, discount: 10, net: 90, paid: 0 }]);
  });

  it('remembers every salon-day a rescheduled visit was on, so the refresh takes it off the old ones', async () => {
    const v = visit();
    const fact = await factOf(v.booked(), v.rescheduled('2025-11-07T10:00:00.000Z'), v.rescheduled('2025-11-05T12:00:00.000Z'));
    expect(fact).toMatchObject({ salonDate: '2025-11-05', days: ['chain-main|s1|2025-11-05', 'chain-main|s1|2025-11-07'] });
  });

  it('builds the facts and refreshes the daily collections; tombstones are not handled', async () => {
    expect(projection.collections[0]).toBe(BI_COLLECTIONS.visitFacts);
    expect(projection.collections).toEqual(Object.values(BI_COLLECTIONS));
    expect(projection.canHandle({ ...visit().booked(), data: null })).toBe(false);
  });
});
