import { randomUUID } from 'node:crypto';

/** A name no other test run uses, for databases, topics, groups and buckets. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`.toLowerCase();
}

/**
 * Polls until `probe` returns a value other than undefined (eventual consistency of
 * projections), failing with `description` after `timeoutMs`.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  description: string,
  { timeoutMs = 20_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
