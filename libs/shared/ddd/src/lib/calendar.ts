/**
 * Dates as people write them, checked against the calendar. `Date.parse` rolls 2025-02-30 over
 * to 2 March and reads a time without a zone in the server's own zone, so neither it nor
 * `new Date(text)` decides whether a date exists: these functions do, for every domain.
 */

/** A day of the calendar: year, month 1–12, day 1–31. */
export interface CalendarDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** A moment written with its zone, and the calendar day it is where it was written. */
export interface ZonedDateTime {
  readonly instant: Date;
  /** The date part as written (YYYY-MM-DD): the day at the place of the offset, e.g. the salon's. */
  readonly localDate: string;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** 2025-06-15T10:00Z, 2025-06-15T12:00:00+02:00, 2025-06-15T10:00:00.000Z; the zone is required. */
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/;
/** The offsets in use on Earth lie within UTC−12 … UTC+14; anything beyond ±14:00 is a typo. */
const MAX_OFFSET_MINUTES = 14 * 60;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
}

/** Milliseconds since the epoch of a UTC wall-clock time (Date.UTC would read years 0–99 as 1900–1999). */
function utcMillis(day: CalendarDay, hour: number, minute: number, second: number, millisecond: number): number {
  const moment = new Date(0);
  moment.setUTCFullYear(day.year, day.month - 1, day.day);
  moment.setUTCHours(hour, minute, second, millisecond);
  return moment.getTime();
}

/** "YYYY-MM-DD" that is a real day of the (proleptic Gregorian) calendar, else undefined. */
export function parseCalendarDate(text: string): CalendarDay | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = match.slice(1).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

/**
 * An ISO-8601 date-time with its offset (`Z` or ±HH:MM) on a real calendar day, else undefined.
 * The local date is the date as written: "2025-06-20T23:30+03:00" is the 20th where it was
 * written although it is 20:30 UTC; a salon's statistics per day must keep it so.
 */
export function parseZonedDateTime(text: string): ZonedDateTime | undefined {
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, date, hour, minute, second = '0', fraction = '', zone, sign, offsetHours, offsetMinutes] = match;
  const day = parseCalendarDate(date);
  if (!day || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  const offset = zone === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes));
  if (zone !== 'Z' && (Number(offsetMinutes) > 59 || Math.abs(offset) > MAX_OFFSET_MINUTES)) return undefined;
  const milliseconds = fraction === '' ? 0 : Math.floor(Number(`0${fraction}`) * 1000);
  const utc = utcMillis(day, Number(hour), Number(minute), Number(second), milliseconds);
  return { instant: new Date(utc - offset * 60_000), localDate: date };
}
