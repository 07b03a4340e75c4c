import { daysInMonth, parseCalendarDate, parseZonedDateTime } from './calendar';

describe('parseCalendarDate', () => {
  it.each([
    ['2024-02-29', { year: 2024, month: 2, day: 29 }],
    ['2000-02-29', { year: 2000, month: 2, day: 29 }],
    ['2025-04-30', { year: 2025, month: 4, day: 30 }],
    ['2025-12-31', { year: 2025, month: 12, day: 31 }],
    ['0004-02-29', { year: 4, month: 2, day: 29 }],
  ])('reads %s as a day of the calendar', (text, day) => expect(parseCalendarDate(text)).toEqual(day));

  it.each([
    ['2025-02-29', 'not a leap year'],
    ['1900-02-29', 'a century that is no leap year'],
    ['2025-02-30', 'no 30 February'],
    ['2025-04-31', 'April has 30 days'],
    ['2025-06-31', 'June has 30 days'],
    ['2025-13-01', 'no 13th month'],
    ['2025-00-10', 'no month 0'],
    ['2025-01-00', 'no day 0'],
    ['2025-01-32', 'no 32nd'],
    ['2025-1-01', 'digits missing'],
    ['2025-01-01T00:00:00Z', 'a date-time is no date'],
    [' 2025-01-01', 'spaces'],
  ])('refuses %s (%s)', (text) => expect(parseCalendarDate(text)).toBeUndefined());

  it('knows the length of every month', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((month) => daysInMonth(2023, month))).toEqual([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    expect(daysInMonth(2024, 2)).toBe(29);
  });
});

describe('parseZonedDateTime', () => {
  it('gives the instant and the date where it was written', () => {
    expect(parseZonedDateTime('2025-06-20T23:30:00+03:00')).toEqual({ instant: new Date('2025-06-20T20:30:00.000Z'), localDate: '2025-06-20' });
    expect(parseZonedDateTime('2025-06-20T00:30-05:00')).toEqual({ instant: new Date('2025-06-20T05:30:00.000Z'), localDate: '2025-06-20' });
  });

  it.each(['2025-06-15T10:00Z', '2025-06-15T10:00:00Z', '2025-06-15T10:00:00.000Z', '2025-06-15T12:00:00.000000+02:00', '2025-06-15T00:00:00-10:00'])(
    'reads %s like Date does',
    (text) => expect(parseZonedDateTime(text)?.instant).toEqual(new Date(text)),
  );

  it('reads 29 February of a leap year and 31st of long months', () => {
    expect(parseZonedDateTime('2024-02-29T10:00:00+01:00')?.localDate).toBe('2024-02-29');
    expect(parseZonedDateTime('2025-07-31T10:00:00Z')?.localDate).toBe('2025-07-31');
  });

  it.each([
    ['2025-02-30T10:00:00+01:00', 'no 30 February (Date.parse makes it 2 March)'],
    ['2025-02-29T10:00:00Z', 'not a leap year'],
    ['2025-04-31T10:00:00Z', 'April has 30 days'],
    ['2025-06-15T24:00:00Z', 'no hour 24'],
    ['2025-06-15T10:60:00Z', 'no minute 60'],
    ['2025-06-15T10:00:60Z', 'no second 60'],
    ['2025-06-15T10:00:00', 'no zone: whose ten o’clock?'],
    ['2025-06-15', 'a date alone'],
    ['2025-06-15T10:00:00+15:00', 'an offset beyond +14:00'],
    ['2025-06-15T10:00:00-14:30', 'an offset beyond −14:00'],
    ['2025-06-15T10:00:00+01:60', 'offset minutes of 60'],
    ['2025-06-15T10:00:00+0100', 'an offset without its colon'],
    ['2025-06-15 10:00:00Z', 'a space for the T'],
    ['tomorrow', 'words'],
  ])('refuses %s (%s)', (text) => expect(parseZonedDateTime(text)).toBeUndefined());
});
