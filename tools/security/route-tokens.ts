import { randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { SERVICE_ROLES, ServiceRole, ServiceTokenIssuer } from '@salon/shared/auth';
import { TEST_JWT_SECRET, TEST_SERVICE_TOKEN_SECRET } from '@salon/shared/testing';

/** The issuer and audience the suite's services require (JWT_ISSUER, JWT_AUDIENCE). */
export const ISSUER = 'https://id.route-security.test/';
export const AUDIENCE = 'salon-client-base';

export interface TokenClaims {
  readonly tenantId: string;
  readonly roles: readonly string[];
  readonly salonIds?: readonly string[];
  readonly userId?: string;
}

const now = () => Math.floor(Date.now() / 1000);
const secretOf = (secret: string) => new TextEncoder().encode(secret);

/**
 * Bearer tokens as an identity provider would issue them (issuer, audience, `exp`, `iat`), and
 * each way a token must be refused. A `salons` claim is sent only when the caller names salons
 * (absent means every salon of the chain).
 */
export class RouteTokens {
  private build(claims: TokenClaims): SignJWT {
    const body: Record<string, unknown> = { tenant: claims.tenantId, roles: [...claims.roles] };
    if (claims.salonIds) body.salons = [...claims.salonIds];
    return new SignJWT(body).setProtectedHeader({ alg: 'HS256' }).setSubject(claims.userId ?? 'desk-1');
  }

  /** A service token of the service holding `role` (`service:visits` → visits-service), for one call to `audience`. */
  async service(role: ServiceRole, audience: string, claims: Pick<TokenClaims, 'tenantId' | 'userId'>): Promise<string> {
    const caller = `${role.slice('service:'.length)}-service`;
    const token = await new ServiceTokenIssuer(TEST_SERVICE_TOKEN_SECRET, caller).issue(audience, { tenantId: claims.tenantId, userId: claims.userId ?? 'desk-1' });
    return `Bearer ${token}`;
  }

  /** A token with one of `roles`: a staff token when a staff role is among them, else a service token. */
  async withOneOf(roles: readonly string[], audience: string, claims: Omit<TokenClaims, 'roles'>): Promise<string> {
    const serviceRole = roles.find((role): role is ServiceRole => (SERVICE_ROLES as readonly string[]).includes(role));
    const staffRole = roles.find((role) => !(SERVICE_ROLES as readonly string[]).includes(role));
    if (staffRole) return this.valid({ ...claims, roles: [staffRole] });
    if (serviceRole) return this.service(serviceRole, audience, claims);
    throw new Error(`no token can carry any of the roles ${roles.join(', ')}`);
  }

  async valid(claims: TokenClaims): Promise<string> {
    const token = await this.build(claims).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('1h').sign(secretOf(TEST_JWT_SECRET));
    return `Bearer ${token}`;
  }

  /** The Authorization header values every protected route answers 401, by what is wrong with them. */
  async refused(claims: TokenClaims): Promise<Record<string, string | undefined>> {
    const sign = (jwt: SignJWT, secret = TEST_JWT_SECRET) => jwt.sign(secretOf(secret)).then((token) => `Bearer ${token}`);
    const claimed = () => this.build(claims);
    const unsigned = new UnsecuredJWT({ tenant: claims.tenantId, roles: [...claims.roles] })
      .setSubject('desk-1')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h')
      .encode();
    return {
      'no token': undefined,
      'not a bearer token': `Basic ${Buffer.from('desk-1:secret').toString('base64')}`,
      'a bad signature': await sign(claimed().setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('1h'), `not-the-secret-${randomUUID()}`),
      'alg none': `Bearer ${unsigned}`,
      'an expired token': await sign(claimed().setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt(now() - 7200).setExpirationTime(now() - 3600)),
      'a token without exp': await sign(claimed().setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt()),
      'another issuer': await sign(claimed().setIssuer('https://id.elsewhere.test/').setAudience(AUDIENCE).setIssuedAt().setExpirationTime('1h')),
      'another audience': await sign(claimed().setIssuer(ISSUER).setAudience('another-product').setIssuedAt().setExpirationTime('1h')),
      'a token without iat': await sign(claimed().setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('1h')),
      'another algorithm (HS512)': await new SignJWT({ tenant: claims.tenantId, roles: [...claims.roles] })
        .setProtectedHeader({ alg: 'HS512' })
        .setSubject('desk-1')
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(secretOf(TEST_JWT_SECRET))
        .then((token) => `Bearer ${token}`),
      'a salons claim that is not a list': await sign(
        new SignJWT({ tenant: claims.tenantId, roles: [...claims.roles], salons: 'salon-centre' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('desk-1')
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setIssuedAt()
          .setExpirationTime('1h'),
      ),
      'an unknown role': await sign(
        new SignJWT({ tenant: claims.tenantId, roles: ['janitor'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('desk-1').setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('1h'),
      ),
    };
  }
}
