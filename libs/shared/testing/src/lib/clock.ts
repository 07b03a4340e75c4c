/**
 * Dates for tests that mean "in the future" or "in the past": computed from the clock at run
 * time, so a test never turns red the day a literal date passes (tools/lint/test-dates.spec.ts
 * refuses such literals).
 */
export interface SalonLocalTime {
  /** ISO date-time with the salon's offset, as a front desk sends it: `2031-03-04T10:00:00+01:00`. */
  readonly local: string;
  /** The same instant in UTC, as the API answers it: `2031-03-04T09:00:00.000Z`. */
  readonly utc: string;
  /** The salon's own day, `YYYY-MM-DD`. */
  readonly salonDate: string;
}

const OFFSET = /^([+-])(\d{2}):(\d{2})$/;

/**
 * The wall-clock `time` on the salon's day `days` days from today (negative: in the past), in a
 * salon at UTC `offset`. "Today" is the salon's today, not the machine's.
 */
export function salonLocalTime(days: number, time = '10:00', offset = '+01:00'): SalonLocalTime {
  const match = OFFSET.exec(offset);
  if (!match) throw new Error(`offset must look like +01:00, got ${offset}`);
  const offsetMinutes = (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
  const salonNow = new Date(Date.now() + offsetMinutes * 60_000);
  const day = new Date(Date.UTC(salonNow.getUTCFullYear(), salonNow.getUTCMonth(), salonNow.getUTCDate() + days));
  const salonDate = day.toISOString().slice(0, 10);
  const local = `${salonDate}T${time}:00${offset}`;
  return { local, utc: new Date(local).toISOString(), salonDate };
}
