import { ClientProfileDocument, EMPTY_CARD_VISIT_TOTALS } from './client-profile.document';
import { toClientProfileView } from './client-profile.view';

const document: ClientProfileDocument = {
  _id: 'c-1',
  tenantId: 'chain-1',
  revision: 4,
  status: 'active',
  displayName: 'Anna Kowalska',
  sortName: 'anna kowalska',
  firstName: 'Anna',
  lastName: 'Kowalska',
  phone: '+48601234567',
  phoneLineType: 'mobile',
  smsCapable: true,
  gender: 'female',
  discounts: { products: 5, services: 10 },
  consent: null,
  visitStatistics: EMPTY_CARD_VISIT_TOTALS,
  registeredAt: new Date('2025-03-01T10:00:00.000Z'),
  updatedAt: new Date('2025-03-02T10:00:00.000Z'),
  search: { name: ['anna kowalska'], phones: ['48601234567'] },
};

describe('toClientProfileView', () => {
  it('answers every field, empty ones as null, dates as ISO text and the revision as text', () => {
    expect(toClientProfileView(document)).toEqual({
      clientId: 'c-1',
      revision: '4',
      status: 'active',
      displayName: 'Anna Kowalska',
      names: { firstName: 'Anna', lastName: 'Kowalska', patronymic: null },
      contacts: { phone: '+48601234567', phoneLineType: 'mobile', smsCapable: true, secondPhone: null, secondPhoneLineType: null, email: null },
      birthDate: null,
      gender: 'female',
      comment: null,
      discounts: { products: 5, services: 10 },
      photoRef: null,
      photoRoute: null,
      legalHold: false,
      consent: null,
      visitStatistics: {
        firstVisitAt: null,
        lastVisitAt: null,
        visitCount: 0,
        countsByStatus: { booked: 0, confirmed: 0, arrived: 0, completed: 0, cancelled: 0, noShow: 0 },
        firstVisit: null,
        lastVisit: null,
      },
      registeredAt: '2025-03-01T10:00:00.000Z',
      updatedAt: '2025-03-02T10:00:00.000Z',
      archivedNumber: null,
    });
  });

  it('shows neither the tenant nor the search keys', () => {
    const view = toClientProfileView(document) as unknown as Record<string, unknown>;
    for (const internal of ['tenantId', 'search', 'sortName', '_id']) expect(view).not.toHaveProperty(internal);
  });

  it('reads visit summaries written later by the visits context', () => {
    const at = new Date('2025-05-01T09:00:00.000Z');
    const summary = {
      visitId: 'v-1', number: 17, at, salonDate: '2025-05-01', salonId: 'salon-1', status: 'completed', services: ['Haircut'], specialists: ['Ola'], amount: 120,
    };
    const countsByStatus = { booked: 1, confirmed: 0, arrived: 0, completed: 1, cancelled: 2, noShow: 0 };
    const view = toClientProfileView({
      ...document,
      visitStatistics: { firstVisitAt: at, lastVisitAt: at, visitCount: 1, countsByStatus, firstVisit: summary, lastVisit: summary },
    });
    expect(view.visitStatistics).toEqual({
      firstVisitAt: at.toISOString(),
      lastVisitAt: at.toISOString(),
      visitCount: 1,
      countsByStatus,
      firstVisit: { ...summary, at: at.toISOString() },
      lastVisit: { ...summary, at: at.toISOString() },
    });
  });
});
