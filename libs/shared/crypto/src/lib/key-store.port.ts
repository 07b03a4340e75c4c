/**
 * Where the per-subject (per-client) data keys live, apart from the event store. Deleting a key
 * is the erasure: every event encrypted with it becomes unreadable, wherever a copy is kept.
 */
export interface KeyStore {
  /**
   * The subject's data key, created on first use. Throws DataKeyErasedError once it was deleted.
   * `likelyNew` (the subject's first event, on a stream that did not exist) lets a store try the
   * creation first, saving a lookup that would find nothing; the answer is the same either way.
   */
  getOrCreateKey(tenantId: string, subjectId: string, options?: { readonly likelyNew?: boolean }): Promise<Buffer>;
  /** The subject's data key; undefined when it was deleted or never created. */
  findKey(tenantId: string, subjectId: string): Promise<Buffer | undefined>;
  /** True when the subject's key was deleted (as opposed to never created). */
  wasErased(tenantId: string, subjectId: string): Promise<boolean>;
  /** When the subject's key was first deleted (the erasure certificate's proof); undefined while it lives or never existed. */
  keyDeletedAt(tenantId: string, subjectId: string): Promise<Date | undefined>;
  /**
   * Deletes the key for good: a tombstone stays so that a late writer cannot create a new key and
   * undo the erasure. Also for a subject that never had a key. Idempotent: a repeat keeps the
   * first deletion's time.
   */
  deleteKey(tenantId: string, subjectId: string): Promise<void>;
}

/** Nest injection token for the KeyStore port. */
export const KEY_STORE = Symbol('KEY_STORE');

/** Personal data of an erased subject must not be written again. */
export class DataKeyErasedError extends Error {
  constructor(
    readonly tenantId: string,
    readonly subjectId: string,
  ) {
    super(`The data key of subject "${subjectId}" (tenant "${tenantId}") was deleted; their personal data cannot be stored any more`);
    this.name = 'DataKeyErasedError';
  }
}
