import { Logger, ServiceUnavailableException } from '@nestjs/common';
import { ServiceTokenIssuer } from '@salon/shared/auth';

/** One request to another of our services, made for a user of a chain. */
export interface ServiceCall {
  readonly method: 'PUT' | 'POST' | 'DELETE';
  /** The absolute path, its ids already encoded (`/clients/${encodeURIComponent(id)}/…`). */
  readonly path: string;
  /** The chain of the request: the service token names it, so the other service acts in that chain only. */
  readonly tenantId: string;
  /** The user asking: the token's subject, recorded by the other service as the actor. */
  readonly userId: string;
  readonly correlationId: string;
  readonly salonId?: string;
  readonly body?: object;
}

/** What the other service answered: its status and, for a refusal, the error code of its body. */
export interface ServiceAnswer {
  readonly status: number;
  readonly error?: string;
}

const TIMEOUT_MS = 5_000;
/** A read returns a page of data (up to hundreds of records): more time than a command's answer. */
const READ_TIMEOUT_MS = 30_000;

/**
 * Calls another of our services over HTTP with a service token of this service, bound to the one
 * request (method and path), never the user's own token: a user who could call those routes
 * directly could act on any id, and a token seen on the wire (plain http inside a deployment)
 * does nothing else. What an answer means is the caller's: it gets the status and error code.
 */
export class ServiceClient {
  private readonly logger: Logger;

  constructor(
    /** The other service's name: the audience of the tokens (e.g. `clients-service`). */
    private readonly service: string,
    private readonly baseUrl: string,
    private readonly serviceTokens: ServiceTokenIssuer,
    /** What the user is told when the other service cannot be asked ("…, so nothing was booked"). */
    private readonly unavailableMessage: string,
  ) {
    this.logger = new Logger(`ServiceClient ${service}`);
  }

  async send(call: ServiceCall): Promise<ServiceAnswer> {
    const url = new URL(call.path.replace(/^\//, ''), this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    const token = await this.serviceTokens.issue(
      this.service,
      { tenantId: call.tenantId, userId: call.userId },
      { method: call.method, path: call.path },
    );
    let response: Response;
    try {
      response = await fetch(url, {
        method: call.method,
        headers: {
          authorization: `Bearer ${token}`,
          'x-correlation-id': call.correlationId,
          ...(call.salonId ? { 'x-salon-id': call.salonId } : {}),
          ...(call.body ? { 'content-type': 'application/json' } : {}),
        },
        body: call.body ? JSON.stringify(call.body) : undefined,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      this.logger.error(`${this.service} unreachable at ${url.origin}: ${(error as Error).message}`);
      throw this.unavailable();
    }
    if (response.ok) {
      await response.body?.cancel();
      return { status: response.status };
    }
    const body = (await response.json().catch(() => ({}))) as { error?: unknown };
    return { status: response.status, error: typeof body.error === 'string' ? body.error : undefined };
  }

  /**
   * A read of another service's internal route (`GET`, same service token bound to the request):
   * the status and, when it answered 2xx, its JSON body. The path may carry a query (`?after=3`);
   * the token is bound to the path without it, as the verifier checks.
   */
  async read<T>(call: Omit<ServiceCall, 'method' | 'body'>): Promise<ServiceAnswer & { body?: T }> {
    const url = new URL(call.path.replace(/^\//, ''), this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    const token = await this.serviceTokens.issue(this.service, { tenantId: call.tenantId, userId: call.userId }, { method: 'GET', path: call.path.split('?')[0] });
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { authorization: `Bearer ${token}`, 'x-correlation-id': call.correlationId },
        signal: AbortSignal.timeout(READ_TIMEOUT_MS),
      });
    } catch (error) {
      this.logger.error(`${this.service} unreachable at ${url.origin}: ${(error as Error).message}`);
      throw this.unavailable();
    }
    const body = (await response.json().catch(() => undefined)) as (T & { error?: unknown }) | undefined;
    if (response.ok) return { status: response.status, body };
    return { status: response.status, error: typeof body?.error === 'string' ? body.error : undefined };
  }

  /**
   * An answer the caller has no meaning for. The user's rights were checked here, so a refused
   * service token is a misconfiguration (SERVICE_TOKEN_SECRET differs between the services), not
   * the user's fault: it is logged (status and code only) and answered 503.
   */
  unexpected(answer: ServiceAnswer, what: string): ServiceUnavailableException {
    this.logger.error(`${this.service} answered ${answer.status} (${answer.error ?? 'no error code'}) to ${what}`);
    return this.unavailable();
  }

  private unavailable(): ServiceUnavailableException {
    return new ServiceUnavailableException({ statusCode: 503, error: `${this.service}-unavailable`, message: this.unavailableMessage });
  }
}
