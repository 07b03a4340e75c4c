import { randomUUID } from 'node:crypto';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { CommandMetadata } from '@salon/shared/ddd';
import { SqliteEventStore, WrongExpectedRevisionError } from '@salon/shared/event-store';
import { GuestCommand, GuestEvent, GuestState, guestCatalog, guestDecider, guestIdOf } from '../testing/guest-book';
import { CommandHandler } from './command-handler';
import { EventCodec } from './event-codec';

const metadata = (overrides: Partial<CommandMetadata> = {}): CommandMetadata => ({
  tenantId: 'chain-1',
  correlationId: randomUUID(),
  causationId: randomUUID(),
  actorId: 'staff-1',
  now: new Date('2026-11-22T10:00:00Z'),
  ...overrides,
});

describe('CommandHandler', () => {
  let store: SqliteEventStore;
  let keys: InMemoryKeyStore;
  let handler: CommandHandler<GuestState, GuestCommand, GuestEvent>;
  const guestId = () => randomUUID();

  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:' });
    keys = new InMemoryKeyStore();
    const codec = new EventCodec(guestCatalog, new PersonalDataCipher(keys), guestIdOf);
    handler = new CommandHandler(store, guestDecider, codec);
  });
  afterEach(() => store.close());

  const signIn = (id: string, extra: Partial<CommandMetadata> = {}): GuestCommand => ({
    type: 'SignIn',
    data: { guestId: id, name: 'Łucja Żądło', phone: '+48601234567' },
    metadata: metadata(extra),
  });
  const rename = (id: string, name: string): GuestCommand => ({ type: 'Rename', data: { guestId: id, name }, metadata: metadata() });

  it('appends the decided events and returns the new revision and state', async () => {
    const id = guestId();
    const result = await handler.handle(`guest-${id}`, signIn(id));
    expect(result.revision).toBe(0n);
    expect(result.state).toEqual({ status: 'signed-in', name: 'Łucja Żądło' });
    const [stored] = await store.readStream(`guest-${id}`);
    expect(stored.metadata).toMatchObject({ tenantId: 'chain-1', actorId: 'staff-1', schemaVersion: 2 });
  });

  it('stores personal fields encrypted and reads them back in clear', async () => {
    const id = guestId();
    await handler.handle(`guest-${id}`, signIn(id));
    const [stored] = await store.readStream(`guest-${id}`);
    expect(JSON.stringify(stored.data)).not.toMatch(/Łucja|601234567/);
    expect(stored.data).toMatchObject({ guestId: id, visits: 1 });
    expect((await handler.load(`guest-${id}`, 'chain-1')).state).toEqual({ status: 'signed-in', name: 'Łucja Żądło' });
  });

  it('reads events of an erased subject with the personal fields gone, without failing', async () => {
    const id = guestId();
    await handler.handle(`guest-${id}`, signIn(id));
    await keys.deleteKey('chain-1', id);
    const codec = new EventCodec(guestCatalog, new PersonalDataCipher(keys), guestIdOf);
    const [event] = await Promise.all((await store.readStream(`guest-${id}`)).map((e) => codec.decode(e)));
    expect(event.data).toEqual({ guestId: id, visits: 1, piiErased: true });
  });

  it('refuses a command made on a stale revision (If-Match) and appends nothing', async () => {
    const id = guestId();
    await handler.handle(`guest-${id}`, signIn(id));
    await handler.handle(`guest-${id}`, rename(id, 'Anna'), { expectedRevision: 0n });
    await expect(handler.handle(`guest-${id}`, rename(id, 'Olga'), { expectedRevision: 0n })).rejects.toBeInstanceOf(
      WrongExpectedRevisionError,
    );
    expect(await store.readStream(`guest-${id}`)).toHaveLength(2);
  });

  it('lets only one of two concurrent commands made on the same revision win', async () => {
    const id = guestId();
    await handler.handle(`guest-${id}`, signIn(id));
    const outcomes = await Promise.allSettled([
      handler.handle(`guest-${id}`, rename(id, 'Anna'), { expectedRevision: 0n }),
      handler.handle(`guest-${id}`, rename(id, 'Olga'), { expectedRevision: 0n }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await store.readStream(`guest-${id}`)).toHaveLength(2);
  });

  it('decides again on the new state when a command without If-Match meets a concurrent change', async () => {
    const id = guestId();
    await handler.handle(`guest-${id}`, signIn(id));
    const outcomes = await Promise.all([
      handler.handle(`guest-${id}`, rename(id, 'Anna')),
      handler.handle(`guest-${id}`, rename(id, 'Olga')),
    ]);
    expect(outcomes.map((o) => o.revision).sort()).toEqual([1n, 2n]);
    expect(await store.readStream(`guest-${id}`)).toHaveLength(3);
  });

  it('records a retried command (same idempotency key) once and answers like the first time', async () => {
    const id = guestId();
    const first = await handler.handle(`guest-${id}`, signIn(id, { commandId: 'request-1' }));
    const retry = await handler.handle(`guest-${id}`, signIn(id, { commandId: 'request-1' }));
    expect(retry.revision).toBe(first.revision);
    expect(retry.events).toEqual(first.events);
    expect(await store.readStream(`guest-${id}`)).toHaveLength(1);
  });

  it("treats another tenant's stream exactly as a missing one, and never writes to it", async () => {
    const id = guestId();
    await handler.handle(`guest-${id}`, signIn(id));
    const intruder = { ...rename(id, 'Eve'), metadata: metadata({ tenantId: 'chain-2' }) };
    const missing = guestId();
    const refusalOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);
    const foreignRefusal = await refusalOf(handler.handle(`guest-${id}`, intruder));
    const missingRefusal = await refusalOf(handler.handle(`guest-${missing}`, { ...rename(missing, 'Eve'), metadata: metadata({ tenantId: 'chain-2' }) }));
    expect(foreignRefusal).toMatchObject({ kind: 'not-found' });
    expect(foreignRefusal).toEqual(missingRefusal);
    expect(await handler.load(`guest-${id}`, 'chain-2')).toEqual(await handler.load(`guest-${missing}`, 'chain-2'));
    // A command that would start the stream anew cannot take it over.
    await expect(handler.handle(`guest-${id}`, { ...signIn(id), metadata: metadata({ tenantId: 'chain-2' }) })).rejects.toThrow();
    expect(await store.readStream(`guest-${id}`)).toHaveLength(1);
  });

  it('appends nothing when the decider decides nothing', async () => {
    const id = guestId();
    await handler.handle(`guest-${id}`, signIn(id));
    const result = await handler.handle(`guest-${id}`, rename(id, 'Łucja Żądło'));
    expect(result.events).toEqual([]);
    expect(result.revision).toBe(0n);
  });

  it('upcasts events stored in an older schema version', async () => {
    const id = guestId();
    await store.appendToStream(
      `guest-${id}`,
      [
        {
          id: randomUUID(),
          type: 'GuestSignedIn',
          data: { guestId: id, fullName: 'Old Shape', phone: '+48600000000', visits: 1 },
          metadata: { tenantId: 'chain-1', correlationId: 'c', causationId: 'c', schemaVersion: 1 },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    expect((await handler.load(`guest-${id}`, 'chain-1')).state).toEqual({ status: 'signed-in', name: 'Old Shape' });
  });
});
