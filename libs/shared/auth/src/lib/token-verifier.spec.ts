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
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(secret));
    await expect(verifier.verify(token)).rejects.toThrow('the token has expired');
  });

  it('refuses a token without a tenant or with an unknown role', async () => {
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(secret));
    await expect(verifier.verify(await sign({ roles: ['owner'] }))).rejects.toThrow('no tenant claim');
    await expect(verifier.verify(await sign({ tenant: 'c', roles: ['janitor'] }))).rejects.toThrow('roles claim');
  });

  describe('lifetime', () => {
    const sign = (build: (jwt: SignJWT) => SignJWT) =>
      build(new SignJWT({ tenant: 'chain-1', roles: ['owner'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1')).sign(
        new TextEncoder().encode(secret),
      );
    const now = () => Math.floor(Date.now() / 1000);

    it('refuses a token without an expiry, which would be good for ever', async () => {
      await expect(verifier.verify(await sign((jwt) => jwt.setIssuedAt()))).rejects.toThrow('no "exp" claim');
    });

    it('refuses a token without an issue time, whose age is unknown', async () => {
      await expect(verifier.verify(await sign((jwt) => jwt.setExpirationTime('1h')))).rejects.toThrow('no "iat" claim');
    });

    it('refuses a token older than the maximum age, even when it has not expired', async () => {
      const strict = new TokenVerifier({ kind: 'secret', secret, maxTokenAgeSeconds: 3600 });
      const old = await sign((jwt) => jwt.setIssuedAt(now() - 2 * 3600).setExpirationTime(now() + 3600));
      await expect(strict.verify(old)).rejects.toThrow('too old');
    });

    it('tolerates a small clock difference, not a large one', async () => {
      const justExpired = await sign((jwt) => jwt.setIssuedAt(now() - 600).setExpirationTime(now() - 10));
      await expect(verifier.verify(justExpired)).resolves.toMatchObject({ userId: 'u1' });
      const expired = await sign((jwt) => jwt.setIssuedAt(now() - 600).setExpirationTime(now() - 120));
      await expect(verifier.verify(expired)).rejects.toThrow('expired');
    });
  });

  describe('salons claim', () => {
    const sign = (salons: unknown) =>
      new SignJWT({ tenant: 'chain-1', roles: ['receptionist'], salons })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u1')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(secret));

    it.each([['a string', 's1'], ['a list with a number', ['s1', 2]], ['an object', { s1: true }], ['a list with an empty id', ['']]])(
      'refuses %s rather than letting the user act in every salon',
      async (_, salons) => {
        await expect(verifier.verify(await sign(salons))).rejects.toThrow('salons claim');
      },
    );

    it('reads an absent claim as every salon of the chain', async () => {
      const token = await new SignJWT({ tenant: 'chain-1', roles: ['owner'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u1')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(secret));
      await expect(verifier.verify(token)).resolves.toMatchObject({ salonIds: [] });
    });
  });
});
