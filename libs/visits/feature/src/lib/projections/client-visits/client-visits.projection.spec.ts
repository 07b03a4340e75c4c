import type { VisitEventV1 } from '@salon/contracts';
import { projectInMemory } from '@salon/shared/messaging';
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

  it('keeps the latest snapshot of each visit, with search keys; older, redelivered and tombstone messages change nothing', async () => {
    const booked = visit.booked();
    const completed = visit.completed();
    const { visit: snapshot } = completed.data as VisitEventV1;
    const documents = await projectInMemory(projection, [booked, completed, booked, { ...booked, data: null }]);
    expect([...documents.keys()]).toEqual(['visit-1']);
    expect(documents.get('visit-1')).toEqual({
      _id: 'visit-1',
      revision: 1,
      tenantId: 'chain-main',
      clientId: 'client-1',
      number: 7,
      status: 'completed',
      startsAt: new Date('2025-11-05T10:00:00.000Z'),
      endsAt: new Date('2025-11-05T12:00:00.000Z'),
      salonDate: '2025-11-05',
      salonId: 'salon-1',
      services: snapshot.services,
      serviceCount: 2,
      specialists: snapshot.specialists,
      amounts: { price: 300, discount: 30, total: 270, paid: 0 },
      bookedAt: new Date('2025-10-01T08:00:00.000Z'),
      updatedAt: new Date(snapshot.updatedAt),
      search: { specialists: ['eva kovacs', 'lucja zolc'], services: ['koloryzacja', 'strzyzenie'] },
    });
  });

  it('is named client-visits and reads the visit events topic', () => {
    expect(projection).toMatchObject({ name: 'client-visits', topics: ['visits.visit-events.v1'], collections: [CLIENT_VISITS_COLLECTION] });
  });
});
