import { WrongExpectedRevisionError } from '@salon/shared/event-store';
import { retryOnConflict } from './conflict-retry';

const policy = { attempts: 4, baseDelayMs: 0, maxDelayMs: 0 };
const conflict = () => new WrongExpectedRevisionError('s-1', 1n, 2n);

describe('retryOnConflict', () => {
  it('tries again after a lost race and returns what the winning attempt returns', async () => {
    let calls = 0;
    const result = await retryOnConflict(async () => {
      calls++;
      if (calls < 3) throw conflict();
      return 'done';
    }, policy);
    expect({ result, calls }).toEqual({ result: 'done', calls: 3 });
  });

  it('gives up after the policy’s attempts with the conflict itself', async () => {
    let calls = 0;
    const attempt = retryOnConflict(async () => {
      calls++;
      throw conflict();
    }, policy);
    await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(calls).toBe(4);
  });

  it('never retries another error', async () => {
    let calls = 0;
    const attempt = retryOnConflict(async () => {
      calls++;
      throw new Error('the store is gone');
    }, policy);
    await expect(attempt).rejects.toThrow('the store is gone');
    expect(calls).toBe(1);
  });
});
