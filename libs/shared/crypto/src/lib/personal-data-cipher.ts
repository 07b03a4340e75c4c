import { AuthenticationFailedError, Sealed, associatedData, open, seal } from './aes-gcm';
import { KeyStore } from './key-store.port';

/** The personal fields of a payload, encrypted with the subject's data key. Bytes are base64. */
export interface PiiEnvelope {
  readonly v: 1;
  /** Whose key encrypted it: the client the personal data is about. */
  readonly subject: string;
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

export type Payload = Readonly<Record<string, unknown>>;

/** The clear fields as they were, the personal ones replaced by one envelope (absent when there were none). */
export type EncryptedPayload<T extends Payload, K extends keyof T> = Omit<T, K> & { readonly pii?: PiiEnvelope };

/** The payload back in clear, or its clear fields with `piiErased` once the subject's key is deleted. */
export type DecryptedPayload = Payload & { readonly piiErased?: true };

export interface DecryptOptions {
  /**
   * The client the event is about, when the reader knows it (e.g. from the stream). An envelope
   * of another client, copied into this payload, is then refused.
   */
  readonly expectedSubjectId?: string;
}

export const PII_PROPERTY = 'pii';

/**
 * An envelope that does not decrypt, or not where it is. This is corruption or tampering, never an
 * erasure (which reads as `piiErased`), so it fails loudly.
 */
export class PersonalDataTamperedError extends Error {
  constructor(
    readonly tenantId: string,
    readonly subjectId: string | undefined,
    reason: string,
  ) {
    super(`Personal data of subject "${subjectId ?? '?'}" (tenant "${tenantId}") cannot be trusted: ${reason}`);
    this.name = 'PersonalDataTamperedError';
  }
}

/**
 * Crypto-shredding of event payloads: personal fields are encrypted with the subject's data key
 * (AES-256-GCM), the rest stays in clear for statistics. Tenant and subject are associated data,
 * so an envelope opens only for the tenant and subject it was written for.
 */
export class PersonalDataCipher {
  constructor(private readonly keys: KeyStore) {}

  async encrypt<T extends Payload, K extends keyof T & string>(
    tenantId: string,
    subjectId: string,
    payload: T,
    personalFieldNames: readonly K[],
    options: { readonly newSubject?: boolean } = {},
  ): Promise<EncryptedPayload<T, K>> {
    if (PII_PROPERTY in payload || personalFieldNames.some((name) => name === PII_PROPERTY)) {
      throw new Error(`A payload to encrypt must not have a "${PII_PROPERTY}" property of its own`);
    }
    const { clear, personal } = splitFields(payload, personalFieldNames);
    // Nothing personal, nothing to encrypt: no key is created (nor refused for an erased subject).
    if (Object.keys(personal).length === 0) return clear;
    const key = await this.keys.getOrCreateKey(tenantId, subjectId, { likelyNew: options.newSubject === true });
    const sealed = seal(key, Buffer.from(JSON.stringify(personal), 'utf8'), envelopeContext(tenantId, subjectId));
    return { ...clear, [PII_PROPERTY]: toEnvelope(subjectId, sealed) };
  }

  async decrypt(tenantId: string, payload: Payload, options: DecryptOptions = {}): Promise<DecryptedPayload> {
    if (!(PII_PROPERTY in payload)) return payload;
    const { [PII_PROPERTY]: rawEnvelope, ...clear } = payload;
    const envelope = parseEnvelope(tenantId, rawEnvelope);
    const subjectId = envelope.subject;
    if (options.expectedSubjectId !== undefined && options.expectedSubjectId !== subjectId) {
      throw new PersonalDataTamperedError(tenantId, subjectId, `the envelope belongs to another subject than "${options.expectedSubjectId}"`);
    }
    const key = await this.keys.findKey(tenantId, subjectId);
    if (!key) return this.erased(tenantId, subjectId, clear);
    return { ...clear, ...openEnvelope(tenantId, key, envelope) };
  }

  /** A subject whose key never existed is not erased: a wrong key store or a forged envelope is. */
  private async erased(tenantId: string, subjectId: string, clear: Payload): Promise<DecryptedPayload> {
    if (!(await this.keys.wasErased(tenantId, subjectId))) {
      throw new PersonalDataTamperedError(tenantId, subjectId, 'no data key was ever created for this subject');
    }
    return { ...clear, piiErased: true };
  }
}

function splitFields<T extends Payload, K extends keyof T & string>(
  payload: T,
  personalFieldNames: readonly K[],
): { clear: Omit<T, K>; personal: Payload } {
  const personalNames = new Set<string>(personalFieldNames);
  const clear: Record<string, unknown> = {};
  const personal: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (!personalNames.has(name)) clear[name] = value;
    else if (value !== undefined) personal[name] = value;
  }
  return { clear: clear as Omit<T, K>, personal };
}

function envelopeContext(tenantId: string, subjectId: string): Buffer {
  return associatedData('salon.pii', 1, tenantId, subjectId);
}

function toEnvelope(subjectId: string, sealed: Sealed): PiiEnvelope {
  return {
    v: 1,
    subject: subjectId,
    iv: sealed.iv.toString('base64'),
    tag: sealed.tag.toString('base64'),
    data: sealed.data.toString('base64'),
  };
}

function parseEnvelope(tenantId: string, value: unknown): PiiEnvelope {
  const envelope = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof PiiEnvelope, unknown>>;
  const subject = typeof envelope.subject === 'string' ? envelope.subject : undefined;
  const wellFormed =
    envelope.v === 1 &&
    subject !== undefined &&
    typeof envelope.iv === 'string' &&
    typeof envelope.tag === 'string' &&
    typeof envelope.data === 'string';
  if (!wellFormed) throw new PersonalDataTamperedError(tenantId, subject, `"${PII_PROPERTY}" is not a version 1 envelope`);
  return envelope as PiiEnvelope;
}

function openEnvelope(tenantId: string, key: Buffer, envelope: PiiEnvelope): Payload {
  const sealed: Sealed = {
    iv: Buffer.from(envelope.iv, 'base64'),
    tag: Buffer.from(envelope.tag, 'base64'),
    data: Buffer.from(envelope.data, 'base64'),
  };
  let plaintext: Buffer;
  try {
    plaintext = open(key, sealed, envelopeContext(tenantId, envelope.subject));
  } catch (error) {
    if (!(error instanceof AuthenticationFailedError)) throw error;
    throw new PersonalDataTamperedError(tenantId, envelope.subject, 'the envelope does not authenticate (altered, or moved from another tenant or subject)');
  }
  return JSON.parse(plaintext.toString('utf8')) as Payload;
}
