import { generateKey } from './aes-gcm';
import { DataKeyWrapper, WrappedDataKey } from './data-key-wrapper';
import { DataKeyErasedError, KeyStore } from './key-store.port';

type Entry = { readonly wrappedKey: WrappedDataKey } | { readonly deletedAt: Date };

/**
 * A KeyStore in process memory, for tests. It keeps keys wrapped like the real store does, so the
 * master key plays the same part.
 */
export class InMemoryKeyStore implements KeyStore {
  private readonly entries = new Map<string, Entry>();
  private readonly wrapper: DataKeyWrapper;

  constructor(masterKey: Buffer = generateKey()) {
    this.wrapper = new DataKeyWrapper(masterKey);
  }

  async getOrCreateKey(tenantId: string, subjectId: string): Promise<Buffer> {
    const id = entryId(tenantId, subjectId);
    if (!this.entries.has(id)) this.entries.set(id, { wrappedKey: this.wrapper.wrap(tenantId, subjectId, generateKey()) });
    const key = await this.findKey(tenantId, subjectId);
    if (!key) throw new DataKeyErasedError(tenantId, subjectId);
    return key;
  }

  async findKey(tenantId: string, subjectId: string): Promise<Buffer | undefined> {
    const entry = this.entries.get(entryId(tenantId, subjectId));
    return entry && 'wrappedKey' in entry ? this.wrapper.unwrap(tenantId, subjectId, entry.wrappedKey) : undefined;
  }

  async wasErased(tenantId: string, subjectId: string): Promise<boolean> {
    const entry = this.entries.get(entryId(tenantId, subjectId));
    return entry !== undefined && 'deletedAt' in entry;
  }

  async keyDeletedAt(tenantId: string, subjectId: string): Promise<Date | undefined> {
    const entry = this.entries.get(entryId(tenantId, subjectId));
    return entry && 'deletedAt' in entry ? entry.deletedAt : undefined;
  }

  async deleteKey(tenantId: string, subjectId: string): Promise<void> {
    if (await this.wasErased(tenantId, subjectId)) return;
    this.entries.set(entryId(tenantId, subjectId), { deletedAt: new Date() });
  }
}

function entryId(tenantId: string, subjectId: string): string {
  return JSON.stringify([tenantId, subjectId]);
}
