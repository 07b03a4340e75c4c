import { AuthenticationFailedError, associatedData, open, seal } from './aes-gcm';
import { MASTER_KEY_VARIABLE } from './master-key';

/** A data key encrypted with the master key: the only form in which a key store keeps it. */
export interface WrappedDataKey {
  readonly v: 1;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly data: Buffer;
}

export class DataKeyUnwrapError extends Error {
  constructor(
    readonly tenantId: string,
    readonly subjectId: string,
  ) {
    super(
      `Cannot unwrap the data key of subject "${subjectId}" (tenant "${tenantId}"): ${MASTER_KEY_VARIABLE} is not ` +
        'the master key that wrapped it, or the stored key was altered',
    );
    this.name = 'DataKeyUnwrapError';
  }
}

/**
 * Wraps data keys with the master key (AES-256-GCM). The tenant and subject are associated data,
 * so a wrapped key copied onto another client's record does not unwrap.
 */
export class DataKeyWrapper {
  constructor(private readonly masterKey: Buffer) {}

  wrap(tenantId: string, subjectId: string, dataKey: Buffer): WrappedDataKey {
    return { v: 1, ...seal(this.masterKey, dataKey, wrappingContext(tenantId, subjectId)) };
  }

  unwrap(tenantId: string, subjectId: string, wrapped: WrappedDataKey): Buffer {
    if (wrapped.v !== 1) throw new Error(`Unknown wrapped data key version ${String(wrapped.v)}`);
    try {
      return open(this.masterKey, wrapped, wrappingContext(tenantId, subjectId));
    } catch (error) {
      throw error instanceof AuthenticationFailedError ? new DataKeyUnwrapError(tenantId, subjectId) : error;
    }
  }
}

function wrappingContext(tenantId: string, subjectId: string): Buffer {
  return associatedData('salon.data-key', 1, tenantId, subjectId);
}
