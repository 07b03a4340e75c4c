import { ServiceTokenIssuer } from '@salon/shared/auth';
import { DomainError } from '@salon/shared/ddd';
import { ServiceClient } from '@salon/shared/nest';

export const CLIENT_PHOTO_REFERENCES = Symbol('CLIENT_PHOTO_REFERENCES');

/**
 * The clients context keeps which photo is the client's (`photoRef` on the client's own stream)
 * and decides it there: the client must exist in the caller's chain and be active at that moment,
 * never as a read model that may lag says.
 */
export interface ClientPhotoReferences {
  set(call: PhotoReferenceCall & { readonly photoId: string }): Promise<void>;
  remove(call: PhotoReferenceCall): Promise<void>;
}

export interface PhotoReferenceCall {
  /** The chain of the request: the service token names it, so the clients service decides in that chain only. */
  readonly tenantId: string;
  /** The user asking: the token's subject, recorded as the actor of the change. */
  readonly userId: string;
  readonly clientId: string;
  readonly salonId?: string;
  readonly correlationId: string;
}

/**
 * The clients service over HTTP: `PUT` / `DELETE /clients/{clientId}/photo-reference`, with a
 * service token of this service (role `service:media`, the only one those routes take), never the
 * user's own token.
 */
export class HttpClientPhotoReferences implements ClientPhotoReferences {
  private readonly clients: ServiceClient;

  constructor(clientsServiceUrl: string, serviceTokens: ServiceTokenIssuer) {
    this.clients = new ServiceClient(
      'clients-service',
      clientsServiceUrl,
      serviceTokens,
      'The client could not be checked right now, so the photo was not changed. Try again in a moment.',
    );
  }

  set(call: PhotoReferenceCall & { readonly photoId: string }): Promise<void> {
    return this.send('PUT', call, { photoRef: call.photoId });
  }

  remove(call: PhotoReferenceCall): Promise<void> {
    return this.send('DELETE', call);
  }

  private async send(method: 'PUT' | 'DELETE', call: PhotoReferenceCall, body?: object): Promise<void> {
    const path = `/clients/${encodeURIComponent(call.clientId)}/photo-reference`;
    const { tenantId, userId, salonId, correlationId } = call;
    const answer = await this.clients.send({ method, path, tenantId, userId, salonId, correlationId, body });
    if (answer.status < 300) return;
    // A deleted or erased client has no profile to put a photo on: it reads like one that never was.
    if (answer.status === 404 || (answer.status === 409 && (answer.error === 'client-deleted' || answer.error === 'client-erased'))) {
      throw DomainError.notFound('client-not-found', 'There is no such client in your salon chain.', { clientId: call.clientId });
    }
    throw this.clients.unexpected(answer, `a photo reference ${method}`);
  }
}
