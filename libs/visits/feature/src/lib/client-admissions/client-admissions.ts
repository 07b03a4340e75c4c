import { Logger, ServiceUnavailableException } from '@nestjs/common';
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
  readonly clientId: string;
  readonly visitId: string;
  /** The caller's own bearer token: the clients service checks the same tenant and roles. */
  readonly authorization: string;
  readonly correlationId: string;
}

const TIMEOUT_MS = 5_000;

/** The clients service over HTTP: `PUT /clients/{clientId}/visits/{visitId}` → 204. */
export class HttpClientAdmissions implements ClientAdmissions {
  private readonly logger = new Logger('ClientAdmissions');

  constructor(private readonly clientsServiceUrl: string) {}

  async admit({ clientId, visitId, authorization, correlationId }: AdmissionRequest): Promise<void> {
    const url = new URL(`clients/${encodeURIComponent(clientId)}/visits/${encodeURIComponent(visitId)}`, withSlash(this.clientsServiceUrl));
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'PUT',
        headers: { authorization, 'x-correlation-id': correlationId },
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
    if (response.status === 403 || response.status === 401) {
      throw new DomainError('forbidden', body.error ?? 'forbidden', body.message ?? 'You may not book visits for this client.');
    }
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
