import { ServiceTokenIssuer } from '@salon/shared/auth';
import { ServiceClient } from '@salon/shared/nest';

/** One event of one of the client's streams in any context, decoded, with who and when. */
export interface HistoryEntry {
  readonly context: string;
  readonly stream: string;
  readonly revision: string;
  readonly type: string;
  readonly recordedAt: string;
  readonly actorId: string | null;
  readonly salonId: string | null;
  readonly correlationId: string;
  readonly data: unknown;
}

export interface VisitsPart {
  readonly visits: readonly Record<string, unknown>[];
  readonly events: readonly HistoryEntry[];
  readonly nextCursor: string | null;
}

export interface ConsentPart {
  readonly consent: Record<string, unknown>;
  readonly ledger: readonly Record<string, unknown>[];
  readonly events: readonly HistoryEntry[];
}

export interface PhotosPart {
  readonly photo: Record<string, unknown> | null;
  readonly files: readonly { readonly name: string; readonly contentType: string; readonly url: string }[];
  readonly events: readonly HistoryEntry[];
}

/** Whom a read is made for: the chain, the user who asked for the package, the request's trace. */
export interface PartRequest {
  readonly tenantId: string;
  readonly userId: string;
  readonly correlationId: string;
  readonly clientId: string;
}

/**
 * The other contexts' parts of the client's data package, each read from its own service's
 * internal route (`GET /clients/{id}/personal-data`, service token role `service:clients`): each
 * context owns its data and decodes it itself; the clients service never reads their stores.
 */
export class PersonalDataParts {
  private readonly visits: ServiceClient;
  private readonly consent: ServiceClient;
  private readonly media: ServiceClient;

  constructor(urls: { readonly visits: string; readonly consent: string; readonly media: string }, serviceTokenSecret: string) {
    const tokens = new ServiceTokenIssuer(serviceTokenSecret, 'clients-service');
    const busy = 'The data package cannot be made right now; it is retried.';
    this.visits = new ServiceClient('visits-service', urls.visits, tokens, busy);
    this.consent = new ServiceClient('consent-service', urls.consent, tokens, busy);
    this.media = new ServiceClient('media-service', urls.media, tokens, busy);
  }

  /** Every page of the client's visits, oldest first (each page: visits and their streams' events). */
  async *visitPages(request: PartRequest): AsyncGenerator<VisitsPart> {
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
      const page: VisitsPart = await this.read<VisitsPart>(this.visits, request, query);
      yield page;
      cursor = page.nextCursor;
    } while (cursor);
  }

  consentPart(request: PartRequest): Promise<ConsentPart> {
    return this.read<ConsentPart>(this.consent, request);
  }

  photosPart(request: PartRequest): Promise<PhotosPart> {
    return this.read<PhotosPart>(this.media, request);
  }

  private async read<T>(service: ServiceClient, request: PartRequest, query = ''): Promise<T> {
    const answer = await service.read<T>({
      path: `/clients/${encodeURIComponent(request.clientId)}/personal-data${query}`,
      tenantId: request.tenantId,
      userId: request.userId,
      correlationId: request.correlationId,
    });
    if (answer.status !== 200 || answer.body === undefined) throw service.unexpected(answer, "a read of the client's data for their package");
    return answer.body;
  }
}
