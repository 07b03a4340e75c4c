import { salonLocalTime } from './clock';

describe('salonLocalTime', () => {
  afterEach(() => jest.useRealTimers());

  it('counts days from the salon’s today, not the machine’s', () => {
    // 23:30 UTC is already the next day in a salon at +03:00.
    jest.useFakeTimers({ now: Date.UTC(2031, 2, 4, 23, 30) });
    expect(salonLocalTime(1, '10:00', '+03:00')).toEqual({
      local: '2031-03-06T10:00:00+03:00',
      utc: '2031-03-06T07:00:00.000Z',
      salonDate: '2031-03-06',
    });
    expect(salonLocalTime(-1, '09:15', '-05:00').salonDate).toBe('2031-03-03');
  });

  it('crosses month and year ends', () => {
    jest.useFakeTimers({ now: Date.UTC(2031, 11, 31, 12) });
    expect(salonLocalTime(1).salonDate).toBe('2032-01-01');
    expect(salonLocalTime(-365).salonDate).toBe('2030-12-31');
  });

  it('refuses an offset it cannot read', () => {
    expect(() => salonLocalTime(1, '10:00', '+1')).toThrow('offset');
  });
});
