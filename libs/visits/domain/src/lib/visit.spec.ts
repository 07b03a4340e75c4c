import { CommandMetadata, DomainError, specificationFor } from '@salon/shared/ddd';
import {
  BookVisit,
  VisitBooked,
  VisitCommand,
  VisitEvent,
  VisitServiceLine,
  toVisitStreamName,
  visitDecider,
  visitEventCatalog,
} from './visit';

const spec = specificationFor(visitDecider);
const visitId = 'v-1';
const now = new Date('2025-06-15T10:00:00.000Z');
const at = now.toISOString();
const metadata: CommandMetadata = { tenantId: 'chain-1', correlationId: 'c', causationId: 'c', actorId: 'staff-1', now };
const later: CommandMetadata = { ...metadata, now: new Date('2025-06-20T12:00:00.000Z') };
const command = <C extends VisitCommand>(type: C['type'], data: Omit<C['data'], 'visitId'>, meta = metadata): C =>
  ({ type, data: { visitId, ...data }, metadata: meta }) as C;

const cut: VisitServiceLine = {
  serviceId: 's-1', name: 'Haircut', price: 30.5, durationMinutes: 45, specialistId: 'p-1', specialistName: 'Anna',
};
const colour: VisitServiceLine = {
  serviceId: 's-2', name: 'Colouring', price: 50, durationMinutes: 60, specialistId: 'p-1', specialistName: 'Anna',
};
const nails: VisitServiceLine = {
  serviceId: 's-3', name: 'Manicure', price: 20, durationMinutes: 30, specialistId: 'p-2', specialistName: 'Olga',
};
const startsAt = '2025-06-20T09:00:00.000Z';
const endsAt = '2025-06-20T11:00:00.000Z';

const book = (data: Partial<BookVisit['data']> = {}) =>
  command<BookVisit>('BookVisit', {
    clientId: 'c-1', number: 7, salonId: 'salon-1', startsAt, endsAt, services: [cut, colour, nails], discount: 10.5, ...data,
  });

const booked: VisitBooked = {
  type: 'VisitBooked',
  data: {
    visitId, actorId: 'staff-1', at, clientId: 'c-1', number: 7, salonId: 'salon-1', startsAt, endsAt, salonDate: '2025-06-20',
    services: [cut, colour, nails],
    specialists: [{ specialistId: 'p-1', specialistName: 'Anna' }, { specialistId: 'p-2', specialistName: 'Olga' }],
    amounts: { price: 100.5, discount: 10.5, total: 90, paid: 0 },
  },
};
const stamp = { visitId, actorId: 'staff-1', at };
const confirmed: VisitEvent = { type: 'VisitConfirmed', data: stamp };
const arrived: VisitEvent = { type: 'VisitArrived', data: stamp };
const completed: VisitEvent = { type: 'VisitCompleted', data: stamp };
const cancelled: VisitEvent = { type: 'VisitCancelled', data: { ...stamp, by: 'client', late: true } };
const noShow: VisitEvent = { type: 'VisitNoShowMarked', data: stamp };

const confirm = () => command('ConfirmVisit', {});
const arrive = () => command('MarkVisitArrived', {});
const complete = () => command('CompleteVisit', {});
const cancel = () => command('CancelVisit', { by: 'salon', late: false });
const markNoShow = (meta = later) => command('MarkVisitNoShow', {}, meta);
const reschedule = () => command('RescheduleVisit', { startsAt: '2025-06-21T09:00:00.000Z', endsAt: '2025-06-21T10:00:00.000Z' });
const changeServices = (services = [nails], discount = 0) => command('ChangeVisitServices', { services, discount });
const pay = (amount: number) => command('RecordVisitPayment', { amount });

describe('visit streams and catalog', () => {
  it('names one stream per visit', () => expect(toVisitStreamName('v-9')).toBe('visit-v-9'));
  it('stores every event at schema version 1 without personal fields', () => {
    for (const def of Object.values(visitEventCatalog)) {
      expect(def.schemaVersion).toBe(1);
      expect(def.personalFields).toBeUndefined();
    }
  });
});

describe('BookVisit', () => {
  it('books with amounts and distinct specialists, recording who and when', () => spec.given([]).when(book()).then([booked]));
  it("keeps the salon's own date of a start written with an offset", () => {
    const late = book({ startsAt: '2025-06-20T23:30:00+03:00', endsAt: '2025-06-21T00:30:00+03:00' });
    const [event] = spec.given([]).when(late).thenReturns() as VisitBooked[];
    expect(event.data).toMatchObject({ startsAt: '2025-06-20T20:30:00.000Z', salonDate: '2025-06-20' });
  });
  it('refuses booking the same visit twice', () => {
    spec.given([booked]).when(book()).thenThrows('visit-already-booked');
  });

  const invalid: [string, Partial<BookVisit['data']>, string, string][] = [
    ['ends before it starts', { endsAt: '2025-06-20T08:00:00.000Z' }, 'visit-ends-before-start', 'endsAt'],
    ['ends when it starts', { endsAt: startsAt }, 'visit-ends-before-start', 'endsAt'],
    ['bad start', { startsAt: 'tomorrow' }, 'invalid-startsAt', 'startsAt'],
    ['a start on 30 February', { startsAt: '2025-02-30T09:00:00+01:00', endsAt: '2025-03-02T11:00:00+01:00' }, 'invalid-startsAt', 'startsAt'],
    ['an end on 31 June', { endsAt: '2025-06-31T11:00:00Z' }, 'invalid-endsAt', 'endsAt'],
    ['a start without its offset', { startsAt: '2025-06-20T09:00:00' }, 'invalid-startsAt', 'startsAt'],
    ['a start with an offset beyond +14:00', { startsAt: '2025-06-20T09:00:00+15:00' }, 'invalid-startsAt', 'startsAt'],
    ['negative price', { services: [{ ...cut, price: -1 }], discount: 0 }, 'invalid-services', 'services[0].price'],
    ['price with 3 decimals', { services: [{ ...cut, price: 1.005 }], discount: 0 }, 'invalid-services', 'services[0].price'],
    ['zero duration', { services: [{ ...cut, durationMinutes: 0 }] }, 'invalid-duration', 'services[0].durationMinutes'],
    ['empty services', { services: [] }, 'no-services', 'services'],
    ['discount above price', { discount: 100.51 }, 'discount-above-price', 'discount'],
    ['negative discount', { discount: -1 }, 'invalid-discount', 'discount'],
    ['number zero', { number: 0 }, 'invalid-number', 'number'],
    ['fractional number', { number: 1.5 }, 'invalid-number', 'number'],
    ['missing client', { clientId: '' }, 'invalid-clientId', 'clientId'],
    ['missing salon', { salonId: ' ' }, 'invalid-salonId', 'salonId'],
    // Business bounds (VISIT_LIMITS).
    ['two lines of 1.7e308', { services: [{ ...cut, price: 1.7e308 }, { ...colour, price: 1.7e308 }], discount: 0 }, 'invalid-services', 'services[0].price'],
    ['a price a cent above 1,000,000.00', { services: [{ ...cut, price: 1_000_000.01 }], discount: 0 }, 'invalid-services', 'services[0].price'],
    ['lines a cent above 1,000,000.00 together', { services: [{ ...cut, price: 999_999.99 }, { ...nails, price: 0.02 }], discount: 0 }, 'visit-price-too-high', 'services'],
    ['a discount above 1,000,000.00', { discount: 1_000_000.01 }, 'invalid-discount', 'discount'],
    ['a service of 24 h and a minute', { services: [{ ...cut, durationMinutes: 24 * 60 + 1 }] }, 'invalid-duration', 'services[0].durationMinutes'],
    ['51 services', { services: Array.from({ length: 51 }, () => nails), discount: 0 }, 'too-many-services', 'services'],
    ['a visit of 24 h and a minute', { endsAt: '2025-06-21T09:01:00.000Z' }, 'visit-too-long', 'endsAt'],
  ];
  it.each(invalid)('refuses a visit with %s', (_, data, code, field) => {
    const error: DomainError = spec.given([]).when(book(data)).thenThrows(code);
    expect(error.kind).toBe('invalid');
    expect(error.details['field']).toBe(field);
  });
});

describe('business bounds and exact sums', () => {
  const bookedWith = (data: Partial<BookVisit['data']>) => (spec.given([]).when(book(data)).thenReturns() as VisitBooked[])[0].data;

  it('takes a visit at the bounds: 1,000,000.00 over 50 lines, a service of 24 h, a visit of 24 h', () => {
    const lines = Array.from({ length: 50 }, () => ({ ...nails, price: 20_000 }));
    expect(bookedWith({ services: lines, discount: 1_000_000 }).amounts).toEqual({ price: 1_000_000, discount: 1_000_000, total: 0, paid: 0 });
    expect(bookedWith({ services: [{ ...cut, durationMinutes: 24 * 60 }], endsAt: '2025-06-21T09:00:00.000Z', discount: 0 }).services[0].durationMinutes).toBe(24 * 60);
  });

  it('sums in cents: 0.10 + 0.20 is 0.30, and 0.30 off leaves 0', () => {
    expect(bookedWith({ services: [{ ...cut, price: 0.1 }, { ...nails, price: 0.2 }], discount: 0.3 }).amounts).toEqual({ price: 0.3, discount: 0.3, total: 0, paid: 0 });
  });

  it('adds payments in cents: 0.10 then 0.20 have paid 0.30, and the rest is due exactly', () => {
    const cheap: VisitBooked = { ...booked, data: { ...booked.data, amounts: { price: 0.6, discount: 0, total: 0.6, paid: 0 } } };
    const first: VisitEvent = { type: 'VisitPaymentRecorded', data: { ...stamp, amount: 0.1, paid: 0.1 } };
    spec.given([cheap, arrived]).when(pay(0.1)).then([first]);
    spec.given([cheap, arrived, first]).when(pay(0.2)).then([{ type: 'VisitPaymentRecorded', data: { ...stamp, amount: 0.2, paid: 0.3 } }]);
    const second: VisitEvent = { type: 'VisitPaymentRecorded', data: { ...stamp, amount: 0.2, paid: 0.3 } };
    spec.given([cheap, arrived, first, second]).when(pay(0.3)).then([{ type: 'VisitPaymentRecorded', data: { ...stamp, amount: 0.3, paid: 0.6 } }]);
    expect(spec.given([cheap, arrived, first, second]).when(pay(0.31)).thenThrows('invalid-amount').details).toMatchObject({ field: 'amount', due: 0.3 });
  });

  it('refuses a change of services above the bounds, naming the field', () => {
    const error: DomainError = spec.given([booked]).when(changeServices([{ ...cut, price: 700_000 }, { ...colour, price: 300_000.01 }])).thenThrows('visit-price-too-high');
    expect(error.details['field']).toBe('services');
  });

  it('refuses a reschedule to more than 24 hours', () => {
    const long = command('RescheduleVisit', { startsAt: '2025-06-21T09:00:00.000Z', endsAt: '2025-06-22T09:00:01.000Z' });
    expect(spec.given([booked]).when(long).thenThrows('visit-too-long').details['field']).toBe('endsAt');
  });
});

describe('lifecycle', () => {
  it('confirms a booked visit', () => spec.given([booked]).when(confirm()).then([confirmed]));
  it('marks arrival of a confirmed visit', () => spec.given([booked, confirmed]).when(arrive()).then([arrived]));
  it('marks arrival of a booked visit', () => spec.given([booked]).when(arrive()).then([arrived]));
  it('completes an arrived visit', () => spec.given([booked, confirmed, arrived]).when(complete()).then([completed]));
  it('cancels by client or salon, late or not', () =>
    spec.given([booked, confirmed]).when(cancel()).then([{ type: 'VisitCancelled', data: { ...stamp, by: 'salon', late: false } }]));
  it('marks a no-show after the start', () =>
    spec.given([booked]).when(markNoShow()).then([{ type: 'VisitNoShowMarked', data: { ...stamp, at: later.now.toISOString() } }]));
  it('refuses a no-show before the start', () => {
    spec.given([booked]).when(markNoShow(metadata)).thenThrows('no-show-before-start');
  });
  it('refuses a command on an unbooked visit', () => {
    spec.given([]).when(confirm()).thenThrows('visit-not-found');
  });

  const refused: [string, VisitEvent[], VisitCommand][] = [
    ['confirm a confirmed', [booked, confirmed], confirm()],
    ['confirm an arrived', [booked, arrived], confirm()],
    ['complete a booked', [booked], complete()],
    ['complete a confirmed', [booked, confirmed], complete()],
    ['arrive an arrived', [booked, arrived], arrive()],
    ['no-show an arrived', [booked, arrived], markNoShow()],
    ['cancel a completed', [booked, arrived, completed], cancel()],
    ['pay a booked', [booked], pay(1)],
    ['pay a confirmed', [booked, confirmed], pay(1)],
    ['reschedule a completed', [booked, arrived, completed], reschedule()],
    ['change services of a completed', [booked, arrived, completed], changeServices()],
    ...(['cancelled', 'no-show'] as const).flatMap((name): [string, VisitEvent[], VisitCommand][] => {
      const history = [booked, name === 'cancelled' ? cancelled : noShow];
      return [confirm(), arrive(), complete(), cancel(), markNoShow(), reschedule(), changeServices(), pay(1)].map(
        (c): [string, VisitEvent[], VisitCommand] => [`${c.type} on ${name}`, history, c],
      );
    }),
  ];
  it.each(refused)('refuses to %s', (_, history, c) => {
    const error = spec.given(history).when(c).thenThrows('impossible-transition');
    expect(error.kind).toBe('conflict');
    expect(error.reason).toMatch(/from \S+ to /);
  });

  it('refuses an unknown cancelling party', () => {
    const bad = command('CancelVisit', { by: 'robot', late: false } as never);
    expect(spec.given([booked]).when(bad).thenThrows('invalid-cancelled-by').details['field']).toBe('by');
  });
});

describe('RescheduleVisit and ChangeVisitServices', () => {
  it('reschedules before completion', () =>
    spec.given([booked, confirmed]).when(reschedule()).then([
      { type: 'VisitRescheduled', data: { ...stamp, startsAt: '2025-06-21T09:00:00.000Z', endsAt: '2025-06-21T10:00:00.000Z', salonDate: '2025-06-21' } },
    ]));
  it('ignores a reschedule to the same times', () =>
    spec.given([booked]).when(command('RescheduleVisit', { startsAt, endsAt })).then([]));
  it('refuses a reschedule ending before it starts', () =>
    expect(
      spec.given([booked]).when(command('RescheduleVisit', { startsAt: endsAt, endsAt: startsAt })).thenThrows('visit-ends-before-start')
        .details['field'],
    ).toBe('endsAt'));
  it('changes services and recomputes amounts', () =>
    spec.given([booked, arrived]).when(changeServices([nails, cut], 0.5)).then([
      {
        type: 'VisitServicesChanged',
        data: {
          ...stamp, services: [nails, cut],
          specialists: [{ specialistId: 'p-2', specialistName: 'Olga' }, { specialistId: 'p-1', specialistName: 'Anna' }],
          amounts: { price: 50.5, discount: 0.5, total: 50, paid: 0 },
        },
      },
    ]));
  it('refuses an empty service list', () => {
    spec.given([booked]).when(changeServices([])).thenThrows('no-services');
  });
  it('refuses a new total below what was paid', () => {
    spec.given([booked, arrived, { type: 'VisitPaymentRecorded', data: { ...stamp, amount: 80, paid: 80 } }])
      .when(changeServices([nails]))
      .thenThrows('total-below-paid');
  });
});

describe('RecordVisitPayment', () => {
  it('records a payment when arrived', () =>
    spec.given([booked, arrived]).when(pay(40)).then([{ type: 'VisitPaymentRecorded', data: { ...stamp, amount: 40, paid: 40 } }]));
  it('records the rest after completion', () =>
    spec.given([booked, arrived, completed, { type: 'VisitPaymentRecorded', data: { ...stamp, amount: 40, paid: 40 } }])
      .when(pay(50))
      .then([{ type: 'VisitPaymentRecorded', data: { ...stamp, amount: 50, paid: 90 } }]));
  it.each([0, -5, 90.01, 1.234])('refuses an amount of %p', (amount) =>
    expect(spec.given([booked, arrived]).when(pay(amount)).thenThrows('invalid-amount').details['field']).toBe('amount'));
});
