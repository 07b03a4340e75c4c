import { KEY_BYTES } from './aes-gcm';

/** The configuration variable that holds the master key. */
export const MASTER_KEY_VARIABLE = 'MASTER_KEY';

/** Raised at start-up so that a service never runs with a key it cannot use. */
export class InvalidMasterKeyError extends Error {
  constructor(problem: string) {
    super(
      `${MASTER_KEY_VARIABLE} ${problem}. It must be ${KEY_BYTES} random bytes in base64, ` +
        `e.g. the output of "openssl rand -base64 ${KEY_BYTES}".`,
    );
    this.name = 'InvalidMasterKeyError';
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Reads the master key that wraps every data key. Node's base64 decoder skips characters it does
 * not know, so the text is checked first: a typo must not silently become a different key.
 */
export function parseMasterKey(base64: string | undefined): Buffer {
  const text = base64?.trim() ?? '';
  if (text === '') throw new InvalidMasterKeyError('is not set');
  if (!BASE64.test(text)) throw new InvalidMasterKeyError('is not valid base64');
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES) throw new InvalidMasterKeyError(`decodes to ${key.length} bytes, not ${KEY_BYTES}`);
  return key;
}
