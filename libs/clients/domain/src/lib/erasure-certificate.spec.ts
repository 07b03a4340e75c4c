import { ERASURE_STORES, RETENTION_JOB_ACTOR, RecordedErasure, StoreConfirmation, buildErasureCertificate, erasedBy } from './erasure-certificate';

describe('the erasure certificate', () => {
  const erasure: RecordedErasure = {
    tenantId: 'chain-1',
    clientId: 'client-1',
    eventId: 'event-1',
    archivedNumber: 7,
    visitCount: 3,
    erasedAt: '2030-05-01T10:00:00.000Z',
    actorId: 'owner-1',
    actorRole: 'owner',
    salonId: 'salon-centre',
    correlationId: 'corr-1',
  };
  const at = (seconds: number) => new Date(Date.parse(erasure.erasedAt) + seconds * 1000).toISOString();
  const every: StoreConfirmation[] = ERASURE_STORES.map((store, index) => ({ store, confirmedAt: at(index + 1), evidence: { checked: 1 } }));

  it('is complete once every store confirmed, at the last confirmation', () => {
    const certificate = buildErasureCertificate(erasure, every);
    expect(certificate).toMatchObject({
      kind: 'salon.erasure-certificate',
      schemaVersion: 1,
      tenantId: 'chain-1',
      clientId: 'client-1',
      archivedNumber: 7,
      archivedAs: 'Archived client 7',
      erasure: { eventId: 'event-1', erasedAt: erasure.erasedAt, by: { kind: 'staff', userId: 'owner-1', role: 'owner', salonId: 'salon-centre' } },
      kept: { visits: 3 },
      status: 'complete',
      completedAt: at(ERASURE_STORES.length),
    });
    expect(certificate.stores.map((store) => [store.store, store.status])).toEqual(ERASURE_STORES.map((store) => [store, 'confirmed']));
  });

  it('is pending while a store has not confirmed, and says which', () => {
    const certificate = buildErasureCertificate(erasure, every.filter((confirmation) => confirmation.store !== 'media'));
    expect(certificate.status).toBe('pending');
    expect(certificate.completedAt).toBeNull();
    expect(certificate.stores.find((store) => store.store === 'media')).toEqual({ store: 'media', status: 'pending', confirmedAt: null, evidence: {} });
    // A store checked but not confirmed (undefined confirmedAt) is pending too, with what the check found.
    const unconfirmed = buildErasureCertificate(erasure, [...every.slice(1), { store: 'event-store', evidence: { dataKey: 'present' } }]);
    expect(unconfirmed.stores[0]).toEqual({ store: 'event-store', status: 'pending', confirmedAt: null, evidence: { dataKey: 'present' } });
    expect(unconfirmed.status).toBe('pending');
  });

  it('is the same certificate whatever order the confirmations came in, every instant in one spelling', () => {
    const shuffled = [...every].reverse().map((confirmation) => ({ ...confirmation, confirmedAt: new Date(confirmation.confirmedAt as string).toISOString().replace('.000Z', 'Z') }));
    expect(buildErasureCertificate(erasure, shuffled)).toEqual(buildErasureCertificate(erasure, every));
  });

  it("says the retention policy erased, with the run's id, when the retention job did", () => {
    expect(erasedBy({ actorId: RETENTION_JOB_ACTOR, correlationId: 'run-1' })).toEqual({ kind: 'retention-policy', actorId: 'retention-job', runId: 'run-1' });
    // An erasure recorded before roles were: the user, no role; nothing of the request's correlation id.
    expect(erasedBy({ actorId: 'manager-2', correlationId: 'caller-chosen-id' })).toEqual({ kind: 'staff', userId: 'manager-2', role: null, salonId: null });
  });
});
