import { ServiceTokenIssuer } from '@salon/shared/auth';
import { ServiceClient } from '@salon/shared/nest';

/** The media service's part of retention: the photo's objects (every version) and, through it, the card's reference. */
export interface ClientPhotoRemoval {
  /** true once the client has no photo (any more); false when the media service knows no such client. */
  remove(call: { readonly tenantId: string; readonly userId: string; readonly correlationId: string; readonly clientId: string }): Promise<boolean>;
}

export const CLIENT_PHOTO_REMOVAL = Symbol('CLIENT_PHOTO_REMOVAL');

/**
 * Drops a photo the way the front desk does, through the media service's
 * `DELETE /clients/{id}/photo` (which removes the objects, then the reference on the client's
 * stream), with the clients service's token (role `service:clients`, subject the retention job).
 * The media context owns the objects: the clients service never touches the bucket, and one path
 * removes a photo whoever asks.
 */
export class HttpClientPhotoRemoval implements ClientPhotoRemoval {
  private readonly media: ServiceClient;

  constructor(mediaServiceUrl: string, serviceTokenSecret: string) {
    this.media = new ServiceClient('media-service', mediaServiceUrl, new ServiceTokenIssuer(serviceTokenSecret, 'clients-service'), 'The photo cannot be removed right now; the next run retries it.');
  }

  async remove(call: { readonly tenantId: string; readonly userId: string; readonly correlationId: string; readonly clientId: string }): Promise<boolean> {
    const answer = await this.media.send({ method: 'DELETE', path: `/clients/${encodeURIComponent(call.clientId)}/photo`, tenantId: call.tenantId, userId: call.userId, correlationId: call.correlationId });
    if (answer.status === 204) return true;
    if (answer.status === 404) return false;
    throw this.media.unexpected(answer, "the retention job's photo removal");
  }
}
