import { InMemoryKeyStore } from './in-memory-key-store';
import { DataKeyErasedError } from './key-store.port';

describe('InMemoryKeyStore', () => {
  it('creates one 32-byte key per subject and tenant, and returns it again', async () => {
    const store = new InMemoryKeyStore();
    const key = await store.getOrCreateKey('tenant-a', 'client-1');
    expect(key).toHaveLength(32);
    expect(await store.getOrCreateKey('tenant-a', 'client-1')).toEqual(key);
    expect(await store.findKey('tenant-a', 'client-1')).toEqual(key);
    expect(await store.getOrCreateKey('tenant-b', 'client-1')).not.toEqual(key);
    expect(await store.findKey('tenant-a', 'client-2')).toBeUndefined();
  });

  it('keeps a deleted key deleted, even for a subject that never had one', async () => {
    const store = new InMemoryKeyStore();
    await store.getOrCreateKey('tenant-a', 'client-1');
    await store.deleteKey('tenant-a', 'client-1');
    await store.deleteKey('tenant-a', 'client-1');
    await store.deleteKey('tenant-a', 'never-had-one');

    expect(await store.findKey('tenant-a', 'client-1')).toBeUndefined();
    expect(await store.wasErased('tenant-a', 'client-1')).toBe(true);
    expect(await store.wasErased('tenant-a', 'client-2')).toBe(false);
    expect(await store.keyDeletedAt('tenant-a', 'client-1')).toBeInstanceOf(Date);
    expect(await store.keyDeletedAt('tenant-a', 'client-2')).toBeUndefined();
    await expect(store.getOrCreateKey('tenant-a', 'client-1')).rejects.toBeInstanceOf(DataKeyErasedError);
    await expect(store.getOrCreateKey('tenant-a', 'never-had-one')).rejects.toBeInstanceOf(DataKeyErasedError);
  });
});
