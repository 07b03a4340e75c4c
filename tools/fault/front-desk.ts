/**
 * The load of the fault test: front desks registering clients and booking visits for clients
 * already registered, as fast as the services answer. Every write carries an Idempotency-Key; on a
 * network error, a timeout or a 5xx the desk sends the SAME request with the SAME key again (a
 * real front desk presses "save" again) until it succeeds or the run's drain deadline passes.
 * A write is acknowledged when it got a 2xx: those are what must never be lost.
 *
 * Some registrations are given up after a network error instead (the receptionist closes the
 * form): a registration cut off between its phone reservation and the client's append then
 * leaves a reservation nobody will complete, which the clients service's sweeper must release.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { salonLocalTime } from '@salon/shared/testing';

export interface AcknowledgedRegistration {
  readonly clientId: string;
  readonly attempts: number;
}

export interface AcknowledgedBooking {
  readonly visitId: string;
  readonly clientId: string;
  readonly attempts: number;
}

export interface FrontDeskOptions {
  readonly clientsUrl: string;
  readonly visitsUrl: string;
  /** `Bearer …` of a receptionist of the run's chain. */
  readonly authorization: string;
  readonly desks: number;
  /** Share (0–1) of registrations given up after a network error rather than sent again. */
  readonly abandonShare: number;
}

type Kind = 'registration' | 'booking';
type Answer = { readonly status: number; readonly body: Record<string, unknown> };

const ATTEMPT_TIMEOUT_MS = 20_000;
const HAIRCUT = { serviceId: 'svc-cut', name: 'Haircut', price: 40, durationMinutes: 45, specialistId: 'staff-anna', specialistName: 'Anna Nowak' };

export class FrontDesks {
  readonly registrations: AcknowledgedRegistration[] = [];
  readonly bookings: AcknowledgedBooking[] = [];
  /** Attempts sent again after a network error, a timeout or a 5xx. */
  retries = 0;
  /** 4xx answers, by "kind status error": none is expected, every request is valid. */
  readonly refused = new Map<string, number>();
  /** Writes never answered 2xx before the drain deadline. */
  unfinished = 0;
  /** Registrations given up after a network error (not acknowledged, so not counted as lost). */
  abandoned = 0;
  private readonly inFlight: Record<Kind, number> = { registration: 0, booking: 0 };
  private readonly lastAcknowledgedAt: Record<Kind, number> = { registration: 0, booking: 0 };
  private nextPhone = 0;
  private stopping = false;
  private giveUpAt = Number.POSITIVE_INFINITY;
  private desks: Promise<void>[] = [];

  constructor(private readonly options: FrontDeskOptions) {}

  /** Half the desks register, the other half book: both kinds are always in flight. */
  start(): void {
    this.desks = Array.from({ length: this.options.desks }, (_, desk) =>
      desk % 2 === 0 ? this.desk(() => this.register()) : this.desk(() => this.book()),
    );
  }

  /** Requests being sent right now (a kill of the clients service lands in the middle of these). */
  inFlightNow(kind: Kind): number {
    return this.inFlight[kind];
  }

  /** Writes of this kind are going through right now: some in flight, one acknowledged within the last second. */
  flowing(kind: Kind): boolean {
    return this.inFlight[kind] > 0 && Date.now() - this.lastAcknowledgedAt[kind] < 1_000;
  }

  /** No new writes; those under way may keep retrying for `drainMs`, then count as unfinished. */
  async stop(drainMs: number): Promise<void> {
    this.stopping = true;
    this.giveUpAt = Date.now() + drainMs;
    await Promise.all(this.desks);
  }

  private async desk(work: () => Promise<void>): Promise<void> {
    while (!this.stopping) await work();
  }

  private async register(): Promise<void> {
    // One number per registration: a 409 phone-taken would be a defect, not load.
    const phone = `+48 6${String(this.nextPhone++).padStart(8, '0')}`;
    const body = { phone, firstName: 'Anna', lastName: 'Fault', consent: { notifications: true } };
    const abandon = Math.random() < this.options.abandonShare;
    const answer = await this.send('registration', `${this.options.clientsUrl}/clients`, body, abandon);
    if (answer) this.registrations.push({ clientId: String(answer.body.clientId), attempts: answer.attempts });
  }

  private async book(): Promise<void> {
    const client = this.registrations[Math.floor(Math.random() * this.registrations.length)];
    // Nobody to book for yet: wait for the first registrations rather than spin.
    if (!client) return void (await sleep(50));
    const day = 1 + Math.floor(Math.random() * 60);
    const hour = String(8 + Math.floor(Math.random() * 10)).padStart(2, '0');
    const body = {
      clientId: client.clientId,
      salonId: `salon-${day % 3}`,
      startsAt: salonLocalTime(day, `${hour}:00`).local,
      endsAt: salonLocalTime(day, `${hour}:45`).local,
      services: [HAIRCUT],
      discount: 0,
    };
    const answer = await this.send('booking', `${this.options.visitsUrl}/visits`, body);
    if (answer) this.bookings.push({ visitId: String(answer.body.visitId), clientId: client.clientId, attempts: answer.attempts });
  }

  /** The acknowledged answer, or undefined when refused (4xx) or never answered before the deadline. */
  private async send(kind: Kind, url: string, body: object, abandonOnNetworkError = false): Promise<(Answer & { attempts: number }) | undefined> {
    const key = randomUUID();
    for (let attempt = 1; ; attempt++) {
      const answer = await this.attempt(kind, url, body, key);
      if (answer && answer.status < 300) {
        this.lastAcknowledgedAt[kind] = Date.now();
        return { ...answer, attempts: attempt };
      }
      if (!answer && abandonOnNetworkError) {
        this.abandoned++;
        return undefined;
      }
      if (answer && answer.status < 500) {
        const label = `${kind} ${answer.status} ${String(answer.body.error ?? '')}`.trim();
        this.refused.set(label, (this.refused.get(label) ?? 0) + 1);
        return undefined;
      }
      if (Date.now() > this.giveUpAt) {
        this.unfinished++;
        return undefined;
      }
      this.retries++;
      await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 5)));
    }
  }

  /** One try; undefined on a network error or a timeout (the service was killed, or is starting). */
  private async attempt(kind: Kind, url: string, body: object, key: string): Promise<Answer | undefined> {
    this.inFlight[kind]++;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: this.options.authorization, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      const text = await response.text();
      return { status: response.status, body: parseObject(text) };
    } catch {
      return undefined;
    } finally {
      this.inFlight[kind]--;
    }
  }
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
