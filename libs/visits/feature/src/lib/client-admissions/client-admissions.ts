import { ServiceTokenIssuer } from '@salon/shared/auth';
import { DomainError } from '@salon/shared/ddd';
import { ServiceClient } from '@salon/shared/nest';

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

/**
 * The clients service over HTTP: `PUT /clients/{clientId}/visits/{visitId}` → 204, with a service
 * token of this service (role `service:visits`; that route takes nothing else), never the user's
 * own token: a user who could call the route directly could admit any visit id to any client.
 */
export class HttpClientAdmissions implements ClientAdmissions {
  private readonly clients: ServiceClient;

  constructor(clientsServiceUrl: string, serviceTokens: ServiceTokenIssuer) {
    this.clients = new ServiceClient(
      'clients-service',
      clientsServiceUrl,
      serviceTokens,
      'The client could not be checked right now, so nothing was booked. Try again in a moment.',
    );
  }

  async admit({ tenantId, userId, clientId, visitId, salonId, correlationId }: AdmissionRequest): Promise<void> {
    const path = `/clients/${encodeURIComponent(clientId)}/visits/${encodeURIComponent(visitId)}`;
    const answer = await this.clients.send({ method: 'PUT', path, tenantId, userId, salonId, correlationId });
    if (answer.status === 204 || answer.status === 200) return;
    // A deleted client reads like one that never was: its data is gone.
    if (answer.status === 404 || (answer.status === 409 && answer.error === 'client-deleted')) {
      throw DomainError.conflict('unknown-client', 'There is no such client in your salon chain (never registered, or deleted).', {
        field: 'clientId',
      });
    }
    if (answer.status === 409 && answer.error === 'client-erased') {
      throw DomainError.conflict('client-erased', 'This client was erased at their request: no new visits can be booked.', {
        field: 'clientId',
      });
    }
    throw this.clients.unexpected(answer, 'an admission');
  }
}
