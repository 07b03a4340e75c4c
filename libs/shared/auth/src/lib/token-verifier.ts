import { createRemoteJWKSet, errors, JWTPayload, jwtVerify, SignJWT } from 'jose';
import { Principal, Role, ROLES } from './principal';

interface TokenRules {
  readonly issuer?: string;
  readonly audience?: string;
  /** The oldest token accepted, counted from its `iat` (default 12 h): a leaked token does not work for ever. */
  readonly maxTokenAgeSeconds?: number;
  /** Clock difference tolerated between the identity provider and this service (default 30 s). */
  readonly clockToleranceSeconds?: number;
}

export type TokenVerifierSettings =
  | ({ readonly kind: 'secret'; readonly secret: string } & TokenRules)
  | ({ readonly kind: 'jwks'; readonly jwksUrl: string } & TokenRules);

export const DEFAULT_MAX_TOKEN_AGE_SECONDS = 12 * 60 * 60;
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;

/** Why a token was refused, phrased for the 401 body (never echoing the token). */
export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

/**
 * Verifies bearer tokens: HS256 with a shared secret (development, tests) or RS256/ES256
 * against a JWKS URL (production identity provider). Returns the caller as a Principal.
 */
export class TokenVerifier {
  private readonly verifyJwt: (token: string) => Promise<{ payload: JWTPayload }>;

  constructor(settings: TokenVerifierSettings) {
    const claims = {
      issuer: settings.issuer,
      audience: settings.audience,
      // Without `exp` a token would be accepted for ever, without `iat` its age is unknown.
      requiredClaims: ['exp', 'iat'],
      maxTokenAge: settings.maxTokenAgeSeconds ?? DEFAULT_MAX_TOKEN_AGE_SECONDS,
      clockTolerance: settings.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
    };
    if (settings.kind === 'secret') {
      const secret = new TextEncoder().encode(settings.secret);
      this.verifyJwt = (token) => jwtVerify(token, secret, { ...claims, algorithms: ['HS256'] });
    } else {
      const keys = createRemoteJWKSet(new URL(settings.jwksUrl));
      this.verifyJwt = (token) => jwtVerify(token, keys, { ...claims, algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'] });
    }
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await this.verifyJwt(token));
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new InvalidTokenError(error.claim === 'iat' ? 'the token is too old' : 'the token has expired');
      }
      if (error instanceof errors.JWTClaimValidationFailed && error.reason === 'missing') {
        throw new InvalidTokenError(`the token has no "${error.claim}" claim`);
      }
      throw new InvalidTokenError('the token is not valid');
    }
    return toPrincipal(payload);
  }
}

export function toPrincipal(payload: JWTPayload): Principal {
  const { sub, tenant, roles, salons } = payload as JWTPayload & Record<string, unknown>;
  if (typeof sub !== 'string' || sub === '') throw new InvalidTokenError('the token has no subject (sub)');
  if (typeof tenant !== 'string' || tenant === '') throw new InvalidTokenError('the token has no tenant claim');
  if (!Array.isArray(roles) || !roles.every((role): role is Role => (ROLES as readonly string[]).includes(role))) {
    throw new InvalidTokenError(`the roles claim must list roles among ${ROLES.join(', ')}`);
  }
  // Absent means every salon of the chain; anything else than a list of salon ids must not
  // widen a salon-bound user's reach, so it refuses the token instead of being ignored.
  if (salons !== undefined && !(Array.isArray(salons) && salons.every((salon) => typeof salon === 'string' && salon !== ''))) {
    throw new InvalidTokenError('the salons claim must be a list of salon ids');
  }
  return { userId: sub, tenantId: tenant, roles, salonIds: salons ?? [] };
}

/** Signs an HS256 development token. Never used by services: only by `npm run token` and tests. */
export async function signDevelopmentToken(
  secret: string,
  claims: { userId: string; tenantId: string; roles: readonly Role[]; salonIds?: readonly string[] },
  expiresIn = '8h',
): Promise<string> {
  return new SignJWT({ tenant: claims.tenantId, roles: [...claims.roles], salons: [...(claims.salonIds ?? [])] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.userId)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
