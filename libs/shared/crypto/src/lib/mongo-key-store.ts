import { Connection, mongo } from 'mongoose';
import { generateKey } from './aes-gcm';
import { DataKeyWrapper, WrappedDataKey } from './data-key-wrapper';
import { DataKeyErasedError, KeyStore } from './key-store.port';
import { DUPLICATE_KEY, InsertBatcher } from './insert-batcher';

/** One document per subject: the wrapped key while it lives, a tombstone once it is deleted. */
export interface DataKeyDocument {
  readonly tenantId: string;
  readonly subjectId: string;
  readonly wrappedKey?: StoredWrappedKey;
  readonly createdAt?: Date;
  readonly deletedAt?: Date;
}

interface StoredWrappedKey {
  readonly v: 1;
  readonly iv: mongo.Binary;
  readonly tag: mongo.Binary;
  readonly data: mongo.Binary;
}

export interface MongoKeyStoreOptions {
  readonly collectionName?: string;
}

export const DATA_KEYS_COLLECTION = 'data_keys';

/**
 * The KeyStore on MongoDB (the native collection under a mongoose connection). Keys are stored
 * wrapped by the master key, never in clear. No cache: a deleted key must be gone at once in
 * every process.
 */
export class MongoKeyStore implements KeyStore {
  private readonly collection: mongo.Collection<DataKeyDocument>;
  private readonly wrapper: DataKeyWrapper;
  private readonly inserts: InsertBatcher<DataKeyDocument>;
  private indexes: Promise<unknown> | undefined;

  constructor(connection: Connection, masterKey: Buffer, options: MongoKeyStoreOptions = {}) {
    this.collection = connection.collection<DataKeyDocument>(options.collectionName ?? DATA_KEYS_COLLECTION);
    this.wrapper = new DataKeyWrapper(masterKey);
    this.inserts = new InsertBatcher(this.collection);
  }

  /** The unique index makes one document per subject, which the race-safe creation relies on. */
  ensureIndexes(): Promise<unknown> {
    this.indexes ??= this.collection
      .createIndex({ tenantId: 1, subjectId: 1 }, { unique: true, name: 'tenant_subject_unique' })
      .catch((error: unknown) => {
        this.indexes = undefined; // let the next call try again
        throw error;
      });
    return this.indexes;
  }

  async getOrCreateKey(tenantId: string, subjectId: string, options: { readonly likelyNew?: boolean } = {}): Promise<Buffer> {
    const existing = options.likelyNew ? null : await this.findDocument(tenantId, subjectId);
    const document = existing ?? (await this.createDocument(tenantId, subjectId));
    const key = this.keyOf(document);
    if (!key) throw new DataKeyErasedError(tenantId, subjectId);
    return key;
  }

  async findKey(tenantId: string, subjectId: string): Promise<Buffer | undefined> {
    const document = await this.findDocument(tenantId, subjectId);
    return document ? this.keyOf(document) : undefined;
  }

  async wasErased(tenantId: string, subjectId: string): Promise<boolean> {
    const document = await this.findDocument(tenantId, subjectId);
    return document?.deletedAt !== undefined;
  }

  async keyDeletedAt(tenantId: string, subjectId: string): Promise<Date | undefined> {
    const document = await this.findDocument(tenantId, subjectId);
    return document?.deletedAt ?? undefined;
  }

  async deleteKey(tenantId: string, subjectId: string): Promise<void> {
    await this.ensureIndexes();
    // Upserted, so that erasing a subject who has no key yet still forbids creating one later.
    // $min: a repeated deletion (a retried erasure, the follow-up) keeps the first one's time.
    await this.collection
      .updateOne({ tenantId, subjectId }, { $min: { deletedAt: new Date() }, $unset: { wrappedKey: '' } }, { upsert: true })
      .catch(unlessDuplicateKey);
  }

  /**
   * Two processes may create the first key of a subject at once. Each inserts its own candidate;
   * the unique index rejects the slower one, which reads back the document that won, so both use
   * the same key. A tombstone rejects the insert too and is read back as it is. Inserts that arrive
   * together (an import registers many clients at once) go to the database as one insertMany.
   */
  private async createDocument(tenantId: string, subjectId: string): Promise<DataKeyDocument> {
    await this.ensureIndexes();
    const candidate: DataKeyDocument = { tenantId, subjectId, wrappedKey: toStored(this.wrapper.wrap(tenantId, subjectId, generateKey())), createdAt: new Date() };
    if (await this.inserts.insert(candidate)) return candidate;
    const document = await this.findDocument(tenantId, subjectId);
    if (!document) throw new Error(`The data key of subject "${subjectId}" (tenant "${tenantId}") vanished right after its creation`);
    return document;
  }

  private async findDocument(tenantId: string, subjectId: string): Promise<DataKeyDocument | null> {
    return this.collection.findOne({ tenantId, subjectId });
  }

  private keyOf(document: DataKeyDocument): Buffer | undefined {
    if (document.deletedAt !== undefined || !document.wrappedKey) return undefined;
    return this.wrapper.unwrap(document.tenantId, document.subjectId, fromStored(document.wrappedKey));
  }
}

function unlessDuplicateKey(error: unknown): void {
  if (!(error instanceof mongo.MongoServerError && error.code === DUPLICATE_KEY)) throw error;
}

function toStored(wrapped: WrappedDataKey): StoredWrappedKey {
  return { v: wrapped.v, iv: new mongo.Binary(wrapped.iv), tag: new mongo.Binary(wrapped.tag), data: new mongo.Binary(wrapped.data) };
}

function fromStored(stored: StoredWrappedKey): WrappedDataKey {
  const bytes = (binary: mongo.Binary) => Buffer.from(binary.buffer.subarray(0, binary.position));
  return { v: stored.v, iv: bytes(stored.iv), tag: bytes(stored.tag), data: bytes(stored.data) };
}
