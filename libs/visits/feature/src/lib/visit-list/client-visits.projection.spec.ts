import { CLIENT_VISITS_COLLECTION } from './client-visit.document';
import { createClientVisitsProjection } from './client-visits.projection';
import { VisitMessages, line } from './test/visit-messages';

describe('createClientVisitsProjection', () => {
  const projection = createClientVisitsProjection();
  const visit = new VisitMessages({
    visitId: 'visit-1',
    clientId: 'client-1',
    number: 7,
    startsAt: '2025-11-05T10:00:00.000Z',
    services: [line('sv-cut', 'Strzyżenie', 100, 'sp-1', 'Łucja Żółć'), line('sv-col', 'Koloryzacja', 200, 'sp-2', 'Éva Kovács')],
    discount: 30,
  });

  it('writes the latest snapshot of each visit as a guarded upsert, with search keys', async () => {
    const booked = visit.booked();
    const completed = visit.completed();
    const writes = await projection.apply([completed, booked, { ...booked, data: null }]);
    const operations = writes.get(CLIENT_VISITS_COLLECTION)!;
    expect(operations).toHaveLength(1);
    expect(operations[0]).toEqual({
      updateOne: {
        filter: { _id: 'visit-1', revision: { $lt: 1 } },
        upsert: true,
        update: {
          $set: expect.objectContaining({
            tenantId: 'chain-main',
            clientId: 'client-1',
            number: 7,
            status: 'completed',
            startsAt: new Date('2025-11-05T10:00:00.000Z'),
            endsAt: new Date('2025-11-05T12:00:00.000Z'),
            salonDate: '2025-11-05',
            serviceCount: 2,
            amounts: { price: 300, discount: 30, total: 270, paid: 0 },
            search: { specialists: ['eva kovacs', 'lucja zolc'], services: ['koloryzacja', 'strzyzenie'] },
            revision: 1,
          }),
        },
      },
    });
  });

  it('is named client-visits and reads the visit events topic', () => {
    expect(projection).toMatchObject({ name: 'client-visits', topics: ['visits.visit-events.v1'], collections: ['client_visits'] });
  });
});
