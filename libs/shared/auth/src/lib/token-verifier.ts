import { createRemoteJWKSet, errors, JWTPayload, jwtVerify, SignJWT } from 'jose';
import { Principal, Role, ROLES } from './principal';

export type TokenVerifierSettings =
  | { readonly kind: 'secret'; readonly secret: string; readonly issuer?: string; readonly audience?: string }
  | { readonly kind: 'jwks'; readonly jwksUrl: string; readonly issuer?: string; readonly audience?: string };

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
    const claims = { issuer: settings.issuer, audience: settings.audience };
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
      if (error instanceof errors.JWTExpired) throw new InvalidTokenError('the token has expired');
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
  const salonIds = Array.isArray(salons) ? salons.filter((s): s is string => typeof s === 'string') : [];
  return { userId: sub, tenantId: tenant, roles, salonIds };
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
