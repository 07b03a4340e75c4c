import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { SqliteEventStore, WrongExpectedRevisionError } from '@salon/shared/event-store';
import { CommandContext } from '@salon/shared/nest';
import { BookVisit } from '../book-visit/book-visit.service';
import { VisitStream } from '../visit-stream/visit-stream';
import { ChangeVisitStatus } from './change-visit-status.service';

describe('ChangeVisitStatus (on the embedded event store)', () => {
  const tenant = 'chain-1';
  const staffOf = (salonIds: string[]): CommandContext => ({
    principal: { userId: 'staff-1', tenantId: tenant, roles: ['receptionist'], salonIds },
    correlationId: randomUUID(),
  });
  let dir: string;
  let store: SqliteEventStore;
  let changeStatus: ChangeVisitStatus;
  let visitId: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'change-visit-status-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    const visits = new VisitStream(store, new PersonalDataCipher(new InMemoryKeyStore()));
    changeStatus = new ChangeVisitStatus(visits);
    const admitAll = { admit: async () => undefined };
    ({ visitId } = await new BookVisit(visits, admitAll, store).execute(
      staffOf(['salon-1']),
      {
        clientId: randomUUID(),
        salonId: 'salon-1',
        startsAt: '2025-06-20T10:00:00+02:00',
        endsAt: '2025-06-20T11:00:00+02:00',
        services: [{ serviceId: 's-1', name: 'Haircut', price: 40, durationMinutes: 60, specialistId: 'p-1', specialistName: 'Anna' }],
        discount: 0,
      },
    ));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('walks the lifecycle and cancels with who and whether late', async () => {
    expect(await changeStatus.execute(staffOf(['salon-1']), visitId, 'confirm', 0n)).toMatchObject({ status: 'confirmed', revision: 1n });
    expect(await changeStatus.execute(staffOf([]), visitId, { cancel: { by: 'client', late: true } })).toMatchObject({ status: 'cancelled' });
  });

  it('refuses a visit of a salon the user does not work at, a stale revision and a visit that is not there', async () => {
    await expect(changeStatus.execute(staffOf(['salon-2']), visitId, 'confirm')).rejects.toMatchObject({ code: 'salon-not-yours' });
    await changeStatus.execute(staffOf([]), visitId, 'confirm');
    await expect(changeStatus.execute(staffOf([]), visitId, 'arrive', 0n)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(changeStatus.execute(staffOf([]), randomUUID(), 'confirm')).rejects.toMatchObject({ code: 'visit-not-found' });
  });
});
