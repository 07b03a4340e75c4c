import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@salon/shared/event-store';
import { CommandContext } from '@salon/shared/nest';
import { ApplyRegistrationChoices } from '../apply-registration-choices/apply-registration-choices.service';
import { ConsentLedger } from '../consent-ledger/consent-ledger';
import { SetConsent } from './set-consent.service';

describe('SetConsent (on the embedded event store)', () => {
  const tenant = 'chain-1';
  const clientId = randomUUID();
  const context: CommandContext = {
    principal: { userId: 'staff-1', tenantId: tenant, roles: ['receptionist'], salonIds: ['salon-1'] },
    correlationId: 'corr',
    salonId: 'salon-1',
  };
  let dir: string;
  let store: SqliteEventStore;
  let setConsent: SetConsent;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'set-consent-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    const ledger = new ConsentLedger(store);
    setConsent = new SetConsent(ledger);
    const message = { tenantId: tenant, correlationId: 'corr', causationId: 'event-1', messageId: 'event-1' };
    await new ApplyRegistrationChoices(ledger).execute(message, clientId, { smsCapable: true, hasEmail: true });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('withdraws and grants an ordinary permission; a repeat records nothing', async () => {
    const withdrawn = await setConsent.execute(context, clientId, 'remindersBySms', { granted: false, source: 'client-request' });
    expect(withdrawn.recorded).toBe(1);
    expect((await setConsent.execute(context, clientId, 'remindersBySms', { granted: false, source: 'client-request' })).recorded).toBe(0);
    expect((await setConsent.execute(context, clientId, 'remindersBySms', { granted: true, source: 'front-desk' })).recorded).toBe(1);
  });

  it('switches marketing on only with the evidence of written consent (400 naming the field)', async () => {
    await expect(setConsent.execute(context, clientId, 'newsletter', { granted: true, source: 'front-desk' })).rejects.toMatchObject({
      kind: 'invalid',
      code: 'written-consent-required',
      details: { field: 'evidence' },
    });
    const evidence = { documentRef: 'FORM-1', signedAt: '2025-06-15T10:00:00+02:00', collectedBy: 'staff-1', salonId: 'salon-1' };
    expect((await setConsent.execute(context, clientId, 'newsletter', { granted: true, source: 'front-desk', evidence })).recorded).toBe(1);
  });

  it('refuses a signature date the calendar does not have', async () => {
    const evidence = { documentRef: 'FORM-1', signedAt: '2025-02-30T10:00:00Z', collectedBy: 'staff-1', salonId: 'salon-1' };
    await expect(setConsent.execute(context, clientId, 'newsletter', { granted: true, source: 'front-desk', evidence })).rejects.toMatchObject({
      code: 'invalid-evidence',
      details: { field: 'evidence.signedAt' },
    });
  });

  it('refuses a permission it does not know', async () => {
    await expect(setConsent.execute(context, clientId, 'carrierPigeon', { granted: true, source: 'front-desk' })).rejects.toMatchObject({
      code: 'unknown-permission',
    });
  });
});
