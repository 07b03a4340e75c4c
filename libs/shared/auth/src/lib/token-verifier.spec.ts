import { SignJWT } from 'jose';
import { signDevelopmentToken, TokenVerifier } from './token-verifier';

const secret = 'a-test-secret-that-is-long-enough-0123456789';
const verifier = new TokenVerifier({ kind: 'secret', secret });

describe('TokenVerifier (HS256)', () => {
  it('turns a valid token into a principal with tenant, roles and salons', async () => {
    const token = await signDevelopmentToken(secret, { userId: 'u1', tenantId: 'chain-1', roles: ['manager'], salonIds: ['s1'] });
    await expect(verifier.verify(token)).resolves.toEqual({
      userId: 'u1',
      tenantId: 'chain-1',
      roles: ['manager'],
      salonIds: ['s1'],
    });
  });

  it('refuses a token signed with another secret', async () => {
    const token = await signDevelopmentToken('another-secret-another-secret-0123456', {
      userId: 'u1',
      tenantId: 'chain-1',
      roles: ['owner'],
    });
    await expect(verifier.verify(token)).rejects.toThrow('the token is not valid');
  });

  it('refuses an expired token, saying so', async () => {
    const token = await new SignJWT({ tenant: 'chain-1', roles: ['owner'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(secret));
    await expect(verifier.verify(token)).rejects.toThrow('the token has expired');
  });

  it('refuses a token without a tenant or with an unknown role', async () => {
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').sign(new TextEncoder().encode(secret));
    await expect(verifier.verify(await sign({ roles: ['owner'] }))).rejects.toThrow('no tenant claim');
    await expect(verifier.verify(await sign({ tenant: 'c', roles: ['janitor'] }))).rejects.toThrow('roles claim');
  });
});
