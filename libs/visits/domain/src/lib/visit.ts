import { Command, Decider, DomainError, Event, EventCatalog, ZonedDateTime, assertNever, parseZonedDateTime } from '@salon/shared/ddd';

/** One stream per visit. */
export function toVisitStreamName(visitId: string): string {
  return `visit-${visitId}`;
}

export interface VisitServiceLine {
  readonly serviceId: string;
  readonly name: string;
  readonly price: number;
  readonly durationMinutes: number;
  readonly specialistId: string;
  readonly specialistName: string;
}
export interface VisitSpecialist {
  readonly specialistId: string;
  readonly specialistName: string;
}
export interface VisitAmounts {
  readonly price: number;
  readonly discount: number;
  readonly total: number;
  readonly paid: number;
}
export type CancelledBy = 'client' | 'salon';

export type BookVisit = Command<
  'BookVisit',
  {
    visitId: string;
    clientId: string;
    number: number;
    salonId: string;
    startsAt: string;
    endsAt: string;
    services: readonly VisitServiceLine[];
    discount: number;
  }
>;
export type ConfirmVisit = Command<'ConfirmVisit', { visitId: string }>;
export type MarkVisitArrived = Command<'MarkVisitArrived', { visitId: string }>;
export type CompleteVisit = Command<'CompleteVisit', { visitId: string }>;
export type CancelVisit = Command<'CancelVisit', { visitId: string; by: CancelledBy; late: boolean }>;
export type MarkVisitNoShow = Command<'MarkVisitNoShow', { visitId: string }>;
export type RescheduleVisit = Command<'RescheduleVisit', { visitId: string; startsAt: string; endsAt: string }>;
export type ChangeVisitServices = Command<
  'ChangeVisitServices',
  { visitId: string; services: readonly VisitServiceLine[]; discount: number }
>;
export type RecordVisitPayment = Command<'RecordVisitPayment', { visitId: string; amount: number }>;

export type VisitCommand =
  | BookVisit
  | ConfirmVisit
  | MarkVisitArrived
  | CompleteVisit
  | CancelVisit
  | MarkVisitNoShow
  | RescheduleVisit
  | ChangeVisitServices
  | RecordVisitPayment;

/** Who (actorId, may be absent for system actors) and when (ISO) of every transition. */
interface Stamp {
  readonly visitId: string;
  readonly actorId?: string;
  readonly at: string;
}

export type VisitBooked = Event<
  'VisitBooked',
  Stamp & {
    clientId: string;
    number: number;
    salonId: string;
    startsAt: string;
    endsAt: string;
    /** The salon's local date of the start (YYYY-MM-DD). */
    salonDate: string;
    services: readonly VisitServiceLine[];
    specialists: readonly VisitSpecialist[];
    amounts: VisitAmounts;
  }
>;
export type VisitConfirmed = Event<'VisitConfirmed', Stamp>;
export type VisitArrived = Event<'VisitArrived', Stamp>;
export type VisitCompleted = Event<'VisitCompleted', Stamp>;
export type VisitCancelled = Event<'VisitCancelled', Stamp & { by: CancelledBy; late: boolean }>;
export type VisitNoShowMarked = Event<'VisitNoShowMarked', Stamp>;
export type VisitRescheduled = Event<'VisitRescheduled', Stamp & { startsAt: string; endsAt: string; salonDate: string }>;
export type VisitServicesChanged = Event<
  'VisitServicesChanged',
  Stamp & { services: readonly VisitServiceLine[]; specialists: readonly VisitSpecialist[]; amounts: VisitAmounts }
>;
export type VisitPaymentRecorded = Event<'VisitPaymentRecorded', Stamp & { amount: number; paid: number }>;

export type VisitEvent =
  | VisitBooked
  | VisitConfirmed
  | VisitArrived
  | VisitCompleted
  | VisitCancelled
  | VisitNoShowMarked
  | VisitRescheduled
  | VisitServicesChanged
  | VisitPaymentRecorded;

export type VisitStatus = 'booked' | 'confirmed' | 'arrived' | 'completed' | 'cancelled' | 'no-show';

export interface Visit {
  readonly status: VisitStatus;
  readonly visitId: string;
  readonly clientId: string;
  readonly number: number;
  readonly salonId: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly salonDate: string;
  readonly services: readonly VisitServiceLine[];
  readonly specialists: readonly VisitSpecialist[];
  readonly amounts: VisitAmounts;
}
export type VisitState = { readonly status: 'none' } | Visit;

// ---------------------------------------------------------------------------------------------
// Business bounds

/**
 * What a salon visit can plausibly be: the most any amount of a visit may be (a line's price, the
 * sum of its lines, a discount, a payment), in the chain's currency; the longest a service and a
 * visit may last; the most lines a visit has. Far above any real visit, low enough that every sum
 * in integer cents is exact (50 lines × 10⁸ cents ≪ 2⁵³).
 */
export const VISIT_LIMITS = {
  maxAmount: 1_000_000,
  maxServiceMinutes: 24 * 60,
  maxVisitMinutes: 24 * 60,
  maxServices: 50,
} as const;

const MAX_AMOUNT_TEXT = '1,000,000.00';

// ---------------------------------------------------------------------------------------------
// Validation

/**
 * Money is computed in integer cents, so sums and differences are exact; amounts are stored and
 * published in the currency, with at most two decimals.
 */
const toCents = (amount: number): number => Math.round(amount * 100);
const fromCents = (cents: number): number => cents / 100;
const hasTwoDecimals = (n: number): boolean => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6;

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw DomainError.invalid(`invalid-${field}`, `${field} is required`, { field });
  }
  return value;
}

/** An amount of the request, in cents: 0 to VISIT_LIMITS.maxAmount, at most two decimals. */
function requireMoney(value: unknown, field: string, code: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > VISIT_LIMITS.maxAmount || !hasTwoDecimals(value)) {
    throw DomainError.invalid(code, `${field} must be 0 to ${MAX_AMOUNT_TEXT} with at most two decimals`, { field });
  }
  return toCents(value);
}

/**
 * Times are written with the salon's UTC offset, on a real calendar day. The salon's date is the
 * date part as written: "2025-06-20T23:30+03:00" is the 20th in that salon although it is the
 * 20th 20:30 UTC. Statistics per day use it, so a late visit never lands on the next day for a
 * chain east of UTC.
 */
function parseTimes(startsAt: unknown, endsAt: unknown): { startsAt: string; endsAt: string; salonDate: string } {
  const start = parseTime(startsAt, 'startsAt');
  const end = parseTime(endsAt, 'endsAt');
  if (end.instant.getTime() <= start.instant.getTime()) {
    throw DomainError.invalid('visit-ends-before-start', 'A visit must end after it starts', { field: 'endsAt' });
  }
  if (end.instant.getTime() - start.instant.getTime() > VISIT_LIMITS.maxVisitMinutes * 60_000) {
    throw DomainError.invalid('visit-too-long', `A visit lasts at most ${VISIT_LIMITS.maxVisitMinutes / 60} hours`, { field: 'endsAt' });
  }
  return { startsAt: start.instant.toISOString(), endsAt: end.instant.toISOString(), salonDate: start.localDate };
}

function parseTime(value: unknown, field: string): ZonedDateTime {
  const parsed = typeof value === 'string' ? parseZonedDateTime(value) : undefined;
  if (parsed === undefined) {
    throw DomainError.invalid(`invalid-${field}`, `${field} must be an ISO date-time with the salon's UTC offset, on a day of the calendar`, { field });
  }
  return parsed;
}

function parseServices(
  services: unknown,
  discount: unknown,
): { services: VisitServiceLine[]; specialists: VisitSpecialist[]; amounts: Omit<VisitAmounts, 'paid'> } {
  if (!Array.isArray(services) || services.length === 0) {
    throw DomainError.invalid('no-services', 'A visit needs at least one service', { field: 'services' });
  }
  if (services.length > VISIT_LIMITS.maxServices) {
    throw DomainError.invalid('too-many-services', `A visit has at most ${VISIT_LIMITS.maxServices} services`, { field: 'services' });
  }
  const priceCents: number[] = [];
  const lines = services.map((raw: VisitServiceLine, i): VisitServiceLine => {
    const durationMinutes = raw?.durationMinutes;
    if (typeof durationMinutes !== 'number' || !Number.isInteger(durationMinutes) || durationMinutes <= 0 || durationMinutes > VISIT_LIMITS.maxServiceMinutes) {
      throw DomainError.invalid('invalid-duration', `A service lasts a whole number of minutes, 1 to ${VISIT_LIMITS.maxServiceMinutes}`, {
        field: `services[${i}].durationMinutes`,
      });
    }
    priceCents.push(requireMoney(raw?.price, `services[${i}].price`, 'invalid-services'));
    return {
      serviceId: requireText(raw?.serviceId, 'serviceId'),
      name: requireText(raw?.name, 'name'),
      price: fromCents(priceCents[i]),
      durationMinutes,
      specialistId: requireText(raw?.specialistId, 'specialistId'),
      specialistName: requireText(raw?.specialistName, 'specialistName'),
    };
  });
  const specialists: VisitSpecialist[] = [];
  for (const l of lines) {
    if (!specialists.some((s) => s.specialistId === l.specialistId)) {
      specialists.push({ specialistId: l.specialistId, specialistName: l.specialistName });
    }
  }
  const price = priceCents.reduce((sum, cents) => sum + cents, 0);
  if (price > toCents(VISIT_LIMITS.maxAmount)) {
    throw DomainError.invalid('visit-price-too-high', `The services of a visit cost at most ${MAX_AMOUNT_TEXT} together`, { field: 'services' });
  }
  const d = requireMoney(discount, 'discount', 'invalid-discount');
  if (d > price) {
    throw DomainError.invalid('discount-above-price', 'The discount cannot exceed the price', { field: 'discount' });
  }
  return { services: lines, specialists, amounts: { price: fromCents(price), discount: fromCents(d), total: fromCents(price - d) } };
}

// ---------------------------------------------------------------------------------------------
// Decisions

const TERMINAL: readonly VisitStatus[] = ['completed', 'cancelled', 'no-show'];

function requireVisit(state: VisitState): Visit {
  if (state.status === 'none') throw DomainError.notFound('visit-not-found', 'No such visit');
  return state;
}

function refuse(from: VisitStatus, to: string): never {
  throw DomainError.conflict('impossible-transition', `A visit cannot go from ${from} to ${to}`, { from, to });
}

function transition(visit: Visit, to: VisitStatus, allowedFrom: readonly VisitStatus[]): void {
  if (!allowedFrom.includes(visit.status)) refuse(visit.status, to);
}

function stamp(visit: Visit, metadata: BookVisit['metadata']): Stamp {
  const at = metadata.now.toISOString();
  return metadata.actorId === undefined ? { visitId: visit.visitId, at } : { visitId: visit.visitId, actorId: metadata.actorId, at };
}

function book({ data, metadata }: BookVisit, state: VisitState): VisitEvent[] {
  if (state.status !== 'none') {
    throw DomainError.conflict('visit-already-booked', 'A visit with this id is already booked', { visitId: data.visitId });
  }
  const visitId = requireText(data.visitId, 'visitId');
  const clientId = requireText(data.clientId, 'clientId');
  const salonId = requireText(data.salonId, 'salonId');
  if (typeof data.number !== 'number' || !Number.isInteger(data.number) || data.number <= 0) {
    throw DomainError.invalid('invalid-number', 'The visit number is a positive integer', { field: 'number' });
  }
  const times = parseTimes(data.startsAt, data.endsAt);
  const { services, specialists, amounts } = parseServices(data.services, data.discount);
  const at = metadata.now.toISOString();
  return [
    {
      type: 'VisitBooked',
      data: {
        visitId,
        ...(metadata.actorId === undefined ? {} : { actorId: metadata.actorId }),
        at,
        clientId,
        number: data.number,
        salonId,
        ...times,
        services,
        specialists,
        amounts: { ...amounts, paid: 0 },
      },
    },
  ];
}

function requireChangeable(visit: Visit, to: string): void {
  if (TERMINAL.includes(visit.status)) refuse(visit.status, to);
}

function decide(command: VisitCommand, state: VisitState): readonly VisitEvent[] {
  if (command.type === 'BookVisit') return book(command, state);
  const visit = requireVisit(state);
  const { metadata } = command;
  switch (command.type) {
    case 'ConfirmVisit':
      transition(visit, 'confirmed', ['booked']);
      return [{ type: 'VisitConfirmed', data: stamp(visit, metadata) }];
    case 'MarkVisitArrived':
      transition(visit, 'arrived', ['booked', 'confirmed']);
      return [{ type: 'VisitArrived', data: stamp(visit, metadata) }];
    case 'CompleteVisit':
      transition(visit, 'completed', ['arrived']);
      return [{ type: 'VisitCompleted', data: stamp(visit, metadata) }];
    case 'CancelVisit': {
      transition(visit, 'cancelled', ['booked', 'confirmed', 'arrived']);
      const { by, late } = command.data;
      if (by !== 'client' && by !== 'salon') {
        throw DomainError.invalid('invalid-cancelled-by', 'A visit is cancelled by the client or the salon', { field: 'by' });
      }
      if (typeof late !== 'boolean') throw DomainError.invalid('invalid-late', 'late must be true or false', { field: 'late' });
      return [{ type: 'VisitCancelled', data: { ...stamp(visit, metadata), by, late } }];
    }
    case 'MarkVisitNoShow':
      transition(visit, 'no-show', ['booked', 'confirmed']);
      if (metadata.now.getTime() < new Date(visit.startsAt).getTime()) {
        throw DomainError.conflict('no-show-before-start', 'A visit cannot be a no-show before it starts', {
          from: visit.status,
          to: 'no-show',
        });
      }
      return [{ type: 'VisitNoShowMarked', data: stamp(visit, metadata) }];
    case 'RescheduleVisit': {
      requireChangeable(visit, 'rescheduled');
      const times = parseTimes(command.data.startsAt, command.data.endsAt);
      if (times.startsAt === visit.startsAt && times.endsAt === visit.endsAt && times.salonDate === visit.salonDate) return [];
      return [{ type: 'VisitRescheduled', data: { ...stamp(visit, metadata), ...times } }];
    }
    case 'ChangeVisitServices': {
      requireChangeable(visit, 'services changed');
      const { services, specialists, amounts } = parseServices(command.data.services, command.data.discount);
      if (toCents(amounts.total) < toCents(visit.amounts.paid)) {
        throw DomainError.invalid('total-below-paid', 'The new total is below what was already paid', { field: 'services' });
      }
      return [
        {
          type: 'VisitServicesChanged',
          data: { ...stamp(visit, metadata), services, specialists, amounts: { ...amounts, paid: visit.amounts.paid } },
        },
      ];
    }
    case 'RecordVisitPayment': {
      if (visit.status !== 'arrived' && visit.status !== 'completed') refuse(visit.status, 'paid');
      const { amount } = command.data;
      const dueCents = toCents(visit.amounts.total) - toCents(visit.amounts.paid);
      const due = fromCents(dueCents);
      if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0 || !hasTwoDecimals(amount) || toCents(amount) > dueCents) {
        throw DomainError.invalid('invalid-amount', `A payment is above 0 and at most ${due}`, { field: 'amount', due });
      }
      return [
        {
          type: 'VisitPaymentRecorded',
          data: { ...stamp(visit, metadata), amount: fromCents(toCents(amount)), paid: fromCents(toCents(visit.amounts.paid) + toCents(amount)) },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}

function evolve(state: VisitState, event: VisitEvent): VisitState {
  if (event.type === 'VisitBooked') {
    const d = event.data;
    return {
      status: 'booked',
      visitId: d.visitId,
      clientId: d.clientId,
      number: d.number,
      salonId: d.salonId,
      startsAt: d.startsAt,
      endsAt: d.endsAt,
      salonDate: d.salonDate,
      services: d.services,
      specialists: d.specialists,
      amounts: d.amounts,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'VisitConfirmed':
      return { ...state, status: 'confirmed' };
    case 'VisitArrived':
      return { ...state, status: 'arrived' };
    case 'VisitCompleted':
      return { ...state, status: 'completed' };
    case 'VisitCancelled':
      return { ...state, status: 'cancelled' };
    case 'VisitNoShowMarked':
      return { ...state, status: 'no-show' };
    case 'VisitRescheduled':
      return { ...state, startsAt: event.data.startsAt, endsAt: event.data.endsAt, salonDate: event.data.salonDate };
    case 'VisitServicesChanged':
      return { ...state, services: event.data.services, specialists: event.data.specialists, amounts: event.data.amounts };
    case 'VisitPaymentRecorded':
      return { ...state, amounts: { ...state.amounts, paid: event.data.paid } };
    default:
      return assertNever(event);
  }
}

export const visitDecider: Decider<VisitState, VisitCommand, VisitEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide,
};

/**
 * No personal fields: a visit refers to its client by id only. Service and specialist names
 * are business data (the salon's price list and staff), not the client's personal data.
 */
export const visitEventCatalog: EventCatalog<VisitEvent> = {
  VisitBooked: { schemaVersion: 1 },
  VisitConfirmed: { schemaVersion: 1 },
  VisitArrived: { schemaVersion: 1 },
  VisitCompleted: { schemaVersion: 1 },
  VisitCancelled: { schemaVersion: 1 },
  VisitNoShowMarked: { schemaVersion: 1 },
  VisitRescheduled: { schemaVersion: 1 },
  VisitServicesChanged: { schemaVersion: 1 },
  VisitPaymentRecorded: { schemaVersion: 1 },
};
