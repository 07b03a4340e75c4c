import type { ServiceConfig } from './service-config';
import type { ServiceTokenConfig } from './service-token-config';

/**
 * Values published in this repository (deploy/local/local.env, the tests' constants): anyone can
 * read them, so a production start must never accept them. production-settings.spec.ts checks
 * that local.env's values are in these lists.
 */
const PUBLISHED_JWT_SECRETS = ['local-development-secret-change-me-0123456789', 'test-secret-for-bearer-tokens-0123456789abcdef'];
const PUBLISHED_SERVICE_TOKEN_SECRETS = [
  'local-development-service-token-secret-0123456789',
  'test-secret-for-service-tokens-0123456789abcdef',
];
const PUBLISHED_MASTER_KEYS = ['bG9jYWwtZGV2ZWxvcG1lbnQtbWFzdGVyLWtleS0zMmI=', Buffer.alloc(32, 42).toString('base64')];

/** An HS256 secret an operator generates (`openssl rand -base64 48` gives 64 characters). */
const MIN_PRODUCTION_SECRET_LENGTH = 64;
/**
 * 32 random bytes have about 30 distinct values; a key typed by hand or derived from a phrase
 * has far fewer (the development key has 21). Below this the key is refused as not random.
 */
const MIN_DISTINCT_KEY_BYTES = 24;

/**
 * What a production start (NODE_ENV=production) refuses, each naming its variable: the published
 * development secrets, short or hand-made secrets, tokens not bound to an issuer and an audience,
 * and keys fetched over plain http.
 */
export function productionRefusals(config: ServiceConfig): string[] {
  const refusals: string[] = [];
  if (!config.JWT_ISSUER) refusals.push('JWT_ISSUER: is required in production (the identity provider that signs the tokens)');
  if (!config.JWT_AUDIENCE) refusals.push('JWT_AUDIENCE: is required in production (tokens issued for this product only)');
  if (config.JWT_JWKS_URL && !config.JWT_JWKS_URL.startsWith('https://')) {
    refusals.push('JWT_JWKS_URL: must be an https:// URL in production');
  }
  if (config.JWT_SECRET !== undefined) refusals.push(...secretRefusals('JWT_SECRET', config.JWT_SECRET, PUBLISHED_JWT_SECRETS));
  if (PUBLISHED_MASTER_KEYS.includes(config.MASTER_KEY)) refusals.push('MASTER_KEY: is a development value published in this repository');
  else if (new Set(Buffer.from(config.MASTER_KEY, 'base64')).size < MIN_DISTINCT_KEY_BYTES) {
    refusals.push('MASTER_KEY: does not look random (openssl rand -base64 32)');
  }
  return refusals;
}

/**
 * What a production start refuses of SERVICE_TOKEN_SECRET: what it refuses of any secret, and the
 * users' JWT_SECRET, which would let whoever signs user tokens sign service tokens too.
 */
export function serviceTokenRefusals(config: ServiceTokenConfig): string[] {
  const refusals = secretRefusals('SERVICE_TOKEN_SECRET', config.SERVICE_TOKEN_SECRET, PUBLISHED_SERVICE_TOKEN_SECRETS);
  if (config.JWT_SECRET !== undefined && config.SERVICE_TOKEN_SECRET === config.JWT_SECRET) {
    refusals.push('SERVICE_TOKEN_SECRET: must differ from JWT_SECRET');
  }
  return refusals;
}

function secretRefusals(variable: string, value: string, published: readonly string[]): string[] {
  if (published.includes(value)) return [`${variable}: is a development value published in this repository`];
  if (value.length < MIN_PRODUCTION_SECRET_LENGTH) {
    return [`${variable}: must be at least ${MIN_PRODUCTION_SECRET_LENGTH} characters in production (openssl rand -base64 48)`];
  }
  return [];
}

/** The development and test keys of PHONE_RESERVATION_KEYS (local.env, serviceEnvironment). */
const PUBLISHED_PHONE_RESERVATION_KEYS = ['bG9jYWwtZGV2ZWxvcG1lbnQtcGhvbmUta2V5LTMyYnk=', Buffer.alloc(32, 43).toString('base64')];

/**
 * What a production start refuses of the clients service's PHONE_RESERVATION_KEYS (`id:base64`,
 * already checked for shape): each key as MASTER_KEY — a published one, or one that does not look
 * random — naming the key by id, never by value. Anyone with a key can tell which number a
 * reservation stream stands for, by trying every number.
 */
export function phoneReservationKeyRefusals(keys: readonly { readonly id: string; readonly base64: string }[]): string[] {
  return keys.flatMap(({ id, base64 }) => {
    if (PUBLISHED_PHONE_RESERVATION_KEYS.includes(base64)) {
      return [`PHONE_RESERVATION_KEYS: is a development value published in this repository (key "${id}")`];
    }
    if (new Set(Buffer.from(base64, 'base64')).size < MIN_DISTINCT_KEY_BYTES) {
      return [`PHONE_RESERVATION_KEYS: does not look random (key "${id}"; openssl rand -base64 32)`];
    }
    return [];
  });
}
