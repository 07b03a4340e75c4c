import { decodeJwt, SignJWT } from 'jose';
import { claimsServiceIssuer, ServiceTokenIssuer, ServiceTokenVerifier } from './service-token';
import { signDevelopmentToken, TokenVerifier } from './token-verifier';

const serviceSecret = 'a-service-token-secret-long-enough-0123456789';
const userSecret = 'a-user-token-secret-that-is-long-enough-0123';
const visits = new ServiceTokenIssuer(serviceSecret, 'visits-service');
const clients = new ServiceTokenVerifier(serviceSecret, 'clients-service');
const now = () => Math.floor(Date.now() / 1000);
const admission = { method: 'PUT', path: '/clients/c-1/visits/v-1' };
/** The clients service verifying a token sent with `admission`. */
const verifyAdmission = (token: string) => clients.verify(token, admission);

/** A token shaped like a service token, with `change` applied, signed with `secret`. */
function forged(change: (jwt: SignJWT) => SignJWT = (jwt) => jwt, claims: Record<string, unknown> = {}, secret = serviceSecret) {
  const jwt = new SignJWT({ tenant: 'chain-1', roles: ['service:visits'], ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('visits-service')
    .setAudience('clients-service')
    .setSubject('desk-1')
    .setIssuedAt()
    .setExpirationTime('60s');
  return change(jwt).sign(new TextEncoder().encode(secret));
}

describe('service tokens', () => {
  it('name the chain and the user the call is made for, with the calling service as actor and its role only', async () => {
    const token = await visits.issue('clients-service', { tenantId: 'chain-1', userId: 'desk-1' }, admission);
    await expect(verifyAdmission(token)).resolves.toEqual({ userId: 'desk-1', tenantId: 'chain-1', roles: ['service:visits'], salonIds: [] });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: 'visits-service', aud: 'clients-service', act: { sub: 'visits-service' }, htm: 'PUT', htu: admission.path });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(60);
  });

  it('are told apart from user tokens by their issuer', async () => {
    expect(claimsServiceIssuer(await visits.issue('clients-service', { tenantId: 'chain-1', userId: 'desk-1' }))).toBe(true);
    expect(claimsServiceIssuer(await signDevelopmentToken(userSecret, { userId: 'desk-1', tenantId: 'chain-1', roles: ['owner'] }))).toBe(false);
    expect(claimsServiceIssuer('not-a-token')).toBe(false);
  });

  it('bound to one request, admit no other: another visit, another client, another method', async () => {
    const token = await visits.issue('clients-service', { tenantId: 'chain-1', userId: 'desk-1' }, admission);
    for (const other of [
      { method: 'PUT', path: '/clients/c-1/visits/v-2' },
      { method: 'PUT', path: '/clients/c-2/visits/v-1' },
      { method: 'DELETE', path: '/clients/c-1' },
      { method: 'GET', path: admission.path },
    ]) {
      await expect(clients.verify(token, other)).rejects.toThrow('the service token is for another request');
    }
  });

  it('are refused when signed with another secret (a user-token secret, say)', async () => {
    await expect(verifyAdmission(await forged(undefined, {}, userSecret))).rejects.toThrow('the service token is not valid');
  });

  it('are refused by a service they are not addressed to', async () => {
    const token = await visits.issue('consent-service', { tenantId: 'chain-1', userId: 'desk-1' });
    await expect(verifyAdmission(token)).rejects.toThrow('the service token is not valid');
  });

  it('are refused when expired or kept for longer than one call', async () => {
    await expect(verifyAdmission(await forged((jwt) => jwt.setIssuedAt(now() - 300).setExpirationTime(now() - 120)))).rejects.toThrow('expired');
    await expect(verifyAdmission(await forged((jwt) => jwt.setIssuedAt(now() - 600).setExpirationTime(now() + 3600)))).rejects.toThrow(
      'the service token has expired',
    );
  });

  it.each([
    ['a staff role', { roles: ['owner'] }, 'carries the role service:visits only'],
    ['a staff role beside its own', { roles: ['service:visits', 'owner'] }, 'carries the role service:visits only'],
    ['no tenant', { tenant: undefined }, 'no tenant claim'],
  ])('are refused with %s', async (_, claims, reason) => {
    await expect(verifyAdmission(await forged(undefined, claims))).rejects.toThrow(reason);
  });

  it('are refused from an issuer that is not one of the calling services', async () => {
    await expect(verifyAdmission(await forged((jwt) => jwt.setIssuer('consent-service')))).rejects.toThrow('the service token is not valid');
  });

  it('cannot be issued by a service that has no service role', () => {
    expect(() => new ServiceTokenIssuer(serviceSecret, 'consent-service')).toThrow('no service role');
  });

  it('are never accepted as user tokens, nor user tokens with a service role', async () => {
    const users = new TokenVerifier({ kind: 'secret', secret: serviceSecret });
    await expect(users.verify(await visits.issue('clients-service', { tenantId: 'chain-1', userId: 'desk-1' }))).rejects.toThrow('roles claim');
    const userWithServiceRole = await new SignJWT({ tenant: 'chain-1', roles: ['service:visits'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('desk-1')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(serviceSecret));
    await expect(users.verify(userWithServiceRole)).rejects.toThrow('roles claim');
  });
});
