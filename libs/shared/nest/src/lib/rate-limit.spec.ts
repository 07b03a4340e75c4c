import { Logger } from '@nestjs/common';
import { RateLimiter, RateLimitExceededException, RateLimitSettings, WindowCounter, WindowCounts, WindowKey } from './rate-limit';

/** Counts like the MongoDB counter does, in memory, and remembers the keys it was given. */
class CountingWindows implements WindowCounter {
  readonly keys: WindowKey[] = [];
  private readonly counts = new Map<string, number>();

  async hit(key: WindowKey): Promise<WindowCounts> {
    this.keys.push(key);
    const bump = (id: string) => {
      const count = (this.counts.get(id) ?? 0) + 1;
      this.counts.set(id, count);
      return count;
    };
    const window = `${key.rateLimitClass}|${key.tenantId}|${key.windowStart}`;
    return { tenant: bump(window), user: bump(`${window}|${key.userId}`) };
  }
}

const SETTINGS: RateLimitSettings = {
  windowSeconds: 10,
  limits: {
    standard: { perUser: 2, perTenant: 3 },
    expensive: { perUser: 1, perTenant: 5 },
    bulk: { perUser: 1, perTenant: 1 },
  },
};

describe('RateLimiter', () => {
  // 4 s into a 10 s window.
  let now = 1_700_000_004_000;
  const windows = new CountingWindows();
  const limiter = new RateLimiter(windows, SETTINGS, () => now);
  const desk = (userId: string, tenantId = 'chain-1') => ({ userId, tenantId });

  it('counts in windows aligned on the window length and keeps each for two windows', async () => {
    await limiter.admit(desk('u-window'), 'standard');
    expect(windows.keys.at(-1)).toEqual({
      rateLimitClass: 'standard',
      tenantId: 'chain-1',
      userId: 'u-window',
      windowStart: 1_700_000_000_000,
      expiresAt: new Date(1_700_000_020_000),
    });
  });

  it('refuses the request over the user limit, with the seconds until the window ends', async () => {
    const tenant = 'chain-user-limit';
    await limiter.admit(desk('u1', tenant), 'standard');
    await limiter.admit(desk('u1', tenant), 'standard');
    const refusal = await limiter.admit(desk('u1', tenant), 'standard').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RateLimitExceededException);
    expect(refusal).toMatchObject({ scope: 'user', retryAfterSeconds: 6 });
    expect((refusal as RateLimitExceededException).getStatus()).toBe(429);
  });

  it('refuses every user of a chain over the tenant limit, whatever their own count', async () => {
    const tenant = 'chain-tenant-limit';
    for (const user of ['a', 'b', 'c']) await limiter.admit(desk(user, tenant), 'standard');
    await expect(limiter.admit(desk('d', tenant), 'standard')).rejects.toMatchObject({ scope: 'tenant' });
    await expect(limiter.admit(desk('d', 'another-chain'), 'standard')).resolves.toBeUndefined();
  });

  it('gives each class its own budget', async () => {
    const tenant = 'chain-classes';
    await limiter.admit(desk('u1', tenant), 'expensive');
    await expect(limiter.admit(desk('u1', tenant), 'expensive')).rejects.toMatchObject({ scope: 'user' });
    await expect(limiter.admit(desk('u1', tenant), 'standard')).resolves.toBeUndefined();
  });

  it('lets the user through again in the next window', async () => {
    const tenant = 'chain-next-window';
    await limiter.admit(desk('u1', tenant), 'bulk');
    await expect(limiter.admit(desk('u1', tenant), 'bulk')).rejects.toBeInstanceOf(RateLimitExceededException);
    now += 10_000;
    await expect(limiter.admit(desk('u1', tenant), 'bulk')).resolves.toBeUndefined();
  });

  it('says at least one second when the window ends within the second', async () => {
    const late = new RateLimiter(new CountingWindows(), SETTINGS, () => 1_700_000_009_999);
    await late.admit(desk('u1'), 'bulk');
    await expect(late.admit(desk('u1'), 'bulk')).rejects.toMatchObject({ retryAfterSeconds: 1 });
  });

  it('lets requests pass when the counter cannot be reached, and says so once a window', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      let clock = 1_700_000_000_000;
      const unreachable = new RateLimiter({ hit: () => Promise.reject(new Error('connection refused')) }, SETTINGS, () => clock);
      for (let i = 0; i < 5; i++) await expect(unreachable.admit(desk('u1'), 'bulk')).resolves.toBeUndefined();
      clock += 10_000;
      await unreachable.admit(desk('u1'), 'bulk');
      expect(warn).toHaveBeenCalledTimes(2);
    } finally {
      warn.mockRestore();
    }
  });
});
