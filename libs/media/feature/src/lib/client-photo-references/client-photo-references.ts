import { Logger, ServiceUnavailableException } from '@nestjs/common';
import { ServiceTokenIssuer } from '@salon/shared/auth';
import { DomainError } from '@salon/shared/ddd';

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

const CLIENTS_SERVICE = 'clients-service';
const TIMEOUT_MS = 5_000;

/**
 * The clients service over HTTP: `PUT` / `DELETE /clients/{clientId}/photo-reference`, with a
 * service token of this service (role `service:media`, the only one those routes take), never the
 * user's own token.
 */
export class HttpClientPhotoReferences implements ClientPhotoReferences {
  private readonly logger = new Logger('ClientPhotoReferences');

  constructor(
    private readonly clientsServiceUrl: string,
    private readonly serviceTokens: ServiceTokenIssuer,
  ) {}

  set(call: PhotoReferenceCall & { readonly photoId: string }): Promise<void> {
    return this.send('PUT', call, { photoRef: call.photoId });
  }

  remove(call: PhotoReferenceCall): Promise<void> {
    return this.send('DELETE', call);
  }

  private async send(method: 'PUT' | 'DELETE', call: PhotoReferenceCall, body?: object): Promise<void> {
    const path = `/clients/${encodeURIComponent(call.clientId)}/photo-reference`;
    const url = new URL(path.slice(1), withSlash(this.clientsServiceUrl));
    // Bound to this one request (method and path): seen on the wire, it changes no other client's photo.
    const token = await this.serviceTokens.issue(CLIENTS_SERVICE, { tenantId: call.tenantId, userId: call.userId }, { method, path });
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'x-correlation-id': call.correlationId,
          ...(call.salonId ? { 'x-salon-id': call.salonId } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      this.logger.error(`clients service unreachable at ${url.origin}: ${(error as Error).message}`);
      throw clientsUnavailable();
    }
    if (response.ok) return;
    const answer = (await response.json().catch(() => ({}))) as { error?: string };
    // A deleted or erased client has no profile to put a photo on: it reads like one that never was.
    if (response.status === 404 || (response.status === 409 && (answer.error === 'client-deleted' || answer.error === 'client-erased'))) {
      throw DomainError.notFound('client-not-found', 'There is no such client in your salon chain.', { clientId: call.clientId });
    }
    // The user's rights were checked here; a refused service token is a misconfiguration
    // (SERVICE_TOKEN_SECRET differs between the services), not the user's fault.
    this.logger.error(`clients service answered ${response.status} (${answer.error ?? 'no error code'}) to a photo reference ${method}`);
    throw clientsUnavailable();
  }
}

function clientsUnavailable(): ServiceUnavailableException {
  return new ServiceUnavailableException({
    statusCode: 503,
    error: 'clients-service-unavailable',
    message: 'The client could not be checked right now, so the photo was not changed. Try again in a moment.',
  });
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
