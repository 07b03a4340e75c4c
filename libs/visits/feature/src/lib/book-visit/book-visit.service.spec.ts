import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { SqliteEventStore } from '@salon/shared/event-store';
import { CommandContext } from '@salon/shared/nest';
import { AdmissionRequest, ClientAdmissions } from '../client-admissions/client-admissions';
import { VisitNumbers } from '../visit-numbers/visit-numbers';
import { VisitStream } from '../visit-stream/visit-stream';
import { BookVisit, BookingForm } from './book-visit.service';

/** Admits every visit and remembers what it was asked. */
class RecordingAdmissions implements ClientAdmissions {
  readonly asked: AdmissionRequest[] = [];
  async admit(request: AdmissionRequest): Promise<void> {
    this.asked.push(request);
  }
}

describe('BookVisit (on the embedded event store)', () => {
  const tenant = 'chain-1';
  const context = (idempotencyKey?: string): CommandContext => ({
    principal: { userId: 'staff-1', tenantId: tenant, roles: ['receptionist'], salonIds: ['salon-1'] },
    correlationId: randomUUID(),
    idempotencyKey,
  });
  const form = (changes: Partial<BookingForm> = {}): BookingForm => ({
    clientId: randomUUID(),
    salonId: 'salon-1',
    startsAt: '2025-06-20T23:30:00+03:00',
    endsAt: '2025-06-21T00:30:00+03:00',
    services: [{ serviceId: 's-1', name: 'Haircut', price: 40, durationMinutes: 60, specialistId: 'p-1', specialistName: 'Anna' }],
    discount: 0,
    ...changes,
  });
  let dir: string;
  let store: SqliteEventStore;
  let admissions: RecordingAdmissions;
  let visits: VisitStream;
  let bookVisit: BookVisit;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'book-visit-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    admissions = new RecordingAdmissions();
    visits = new VisitStream(store, new PersonalDataCipher(new InMemoryKeyStore()));
    bookVisit = new BookVisit(visits, admissions, store);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const numbersTaken = async () => (await store.readStream(VisitNumbers.streamOf(tenant))).length;

  it("books after the client's admission, with the chain's next number and the salon's date", async () => {
    const booking = form();
    const result = await bookVisit.execute(context(), booking);
    expect(result).toMatchObject({ number: 1, status: 'booked', revision: 0n });
    // In the booking's chain, for the booking user: what the service token the admission sends names.
    expect(admissions.asked).toEqual([
      expect.objectContaining({ tenantId: tenant, userId: 'staff-1', clientId: booking.clientId, visitId: result.visitId }),
    ]);
    const { state } = await visits.load(tenant, result.visitId);
    expect(state).toMatchObject({ salonDate: '2025-06-20', startsAt: '2025-06-20T20:30:00.000Z' });
  });

  it.each([
    ['a start on 30 February', { startsAt: '2025-02-30T10:00:00+01:00', endsAt: '2025-03-02T11:00:00+01:00' }, 'invalid-startsAt'],
    ['an end before the start', { endsAt: '2025-06-20T22:00:00+03:00' }, 'visit-ends-before-start'],
    ['a start without its offset', { startsAt: '2025-06-20T10:00:00' }, 'invalid-startsAt'],
  ])('refuses %s before anything is written anywhere: no admission, no number', async (_, changes, code) => {
    await expect(bookVisit.execute(context(), form(changes))).rejects.toMatchObject({ kind: 'invalid', code });
    expect(admissions.asked).toEqual([]);
    expect(await numbersTaken()).toBe(0);
  });

  it('refuses a salon the user does not work at', async () => {
    await expect(bookVisit.execute(context(), form({ salonId: 'salon-2' }))).rejects.toMatchObject({ code: 'salon-not-yours' });
    expect(admissions.asked).toEqual([]);
  });

  it('answers a retried booking (same Idempotency-Key) like the first, asking and numbering nothing again', async () => {
    const booking = form();
    const first = await bookVisit.execute(context('key-0001'), booking);
    const again = await bookVisit.execute(context('key-0001'), booking);
    expect(again).toEqual(first);
    expect(admissions.asked).toHaveLength(1);
    expect(await numbersTaken()).toBe(1);
  });
});
