import { Logger, ServiceUnavailableException } from '@nestjs/common';
import { ServiceTokenIssuer } from '@salon/shared/auth';
import { DomainError } from '@salon/shared/ddd';

export const CLIENT_ADMISSIONS = Symbol('CLIENT_ADMISSIONS');

/**
 * Asks the clients context to admit a visit of a client before the booking is recorded: the
 * client must exist and be active, and from then on it knows of the visit, so it can no longer
 * be hard-deleted. The clients context decides it on the client's own stream, where a deletion
 * is decided too: whichever of the two is appended second is decided again and refused (see the
 * clients' admit-visit use case). That closes the booking-vs-deletion race without a read model.
 */
export interface ClientAdmissions {
  admit(request: AdmissionRequest): Promise<void>;
}

export interface AdmissionRequest {
  /** The chain of the booking: the service token names it, so the clients service admits in that chain only. */
  readonly tenantId: string;
  /** The user booking: the subject of the service token, recorded as the admission's actor. */
  readonly userId: string;
  readonly clientId: string;
  readonly visitId: string;
  /** Where the booking is made (the booking's X-Salon-Id), recorded as where the admission happened. */
  readonly salonId?: string;
  readonly correlationId: string;
}

/** The clients service's name: the audience of the service tokens sent to it. */
const CLIENTS_SERVICE = 'clients-service';

const TIMEOUT_MS = 5_000;

/**
 * The clients service over HTTP: `PUT /clients/{clientId}/visits/{visitId}` → 204, with a service
 * token of this service (role `service:visits`; that route takes nothing else), never the user's
 * own token: a user who could call the route directly could admit any visit id to any client.
 */
export class HttpClientAdmissions implements ClientAdmissions {
  private readonly logger = new Logger('ClientAdmissions');

  constructor(
    private readonly clientsServiceUrl: string,
    private readonly serviceTokens: ServiceTokenIssuer,
  ) {}

  async admit({ tenantId, userId, clientId, visitId, salonId, correlationId }: AdmissionRequest): Promise<void> {
    const path = `/clients/${encodeURIComponent(clientId)}/visits/${encodeURIComponent(visitId)}`;
    const url = new URL(path.slice(1), withSlash(this.clientsServiceUrl));
    // Bound to this one request: a token seen on the wire (plain http inside a deployment) admits nothing else.
    const token = await this.serviceTokens.issue(CLIENTS_SERVICE, { tenantId, userId }, { method: 'PUT', path });
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'x-correlation-id': correlationId, ...(salonId ? { 'x-salon-id': salonId } : {}) },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      this.logger.error(`clients service unreachable at ${url.origin}: ${(error as Error).message}`);
      throw clientsUnavailable();
    }
    if (response.status === 204 || response.status === 200) return;
    const body = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
    // A deleted client reads like one that never was: its data is gone.
    if (response.status === 404 || (response.status === 409 && body.error === 'client-deleted')) {
      throw DomainError.conflict('unknown-client', 'There is no such client in your salon chain (never registered, or deleted).', {
        field: 'clientId',
      });
    }
    if (response.status === 409 && body.error === 'client-erased') {
      throw DomainError.conflict('client-erased', 'This client was erased at their request: no new visits can be booked.', {
        field: 'clientId',
      });
    }
    // The user's rights were checked here; a refused service token is a misconfiguration
    // (SERVICE_TOKEN_SECRET differs between the services), not the user's fault.
    this.logger.error(`clients service answered ${response.status} to an admission: ${JSON.stringify(body)}`);
    throw clientsUnavailable();
  }
}

function clientsUnavailable(): ServiceUnavailableException {
  return new ServiceUnavailableException({
    statusCode: 503,
    error: 'clients-service-unavailable',
    message: 'The client could not be checked right now, so nothing was booked. Try again in a moment.',
  });
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
