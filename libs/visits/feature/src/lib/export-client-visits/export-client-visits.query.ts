import { Inject, Injectable } from '@nestjs/common';
import { PersonalDataCipher } from '@salon/shared/crypto';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';
import { VisitState, toVisitStreamName, visitDecider } from '@salon/visits/domain';
import { VisitDetailsView } from '../http/visit.response.dto';
import { ClientVisitQueries } from '../projections/client-visits';
import { visitEventCodec } from '../relay/visit-integration-events';

/** How many visits one page of the export holds: each comes with its whole stream. */
export const VISIT_EXPORT_PAGE_SIZE = 50;

/** One event of a visit stream as the data package lists it: who, when, what. */
export interface ExportedVisitEvent {
  readonly context: 'visits';
  readonly stream: string;
  readonly revision: string;
  readonly type: string;
  readonly recordedAt: string;
  readonly actorId: string | null;
  readonly salonId: string | null;
  readonly correlationId: string;
  readonly data: unknown;
}

export interface ClientVisitsExportPage {
  readonly clientId: string;
  /** Each visit as GET /visits/{id} shows it, oldest first. */
  readonly visits: readonly VisitDetailsView[];
  /** Every event of those visits' streams, stream by stream, oldest first. */
  readonly events: readonly ExportedVisitEvent[];
  /** The opaque cursor of the next page; null on the last. */
  readonly nextCursor: string | null;
}

/**
 * The visits context's part of the client's data package, one page at a time (a client may have
 * thousands of visits): the client's visits from the visit list (oldest first), each opened from
 * its own stream as GET /visits/{id} opens it, with every event of that stream.
 */
@Injectable()
export class ExportClientVisits {
  private readonly codec;

  constructor(
    private readonly queries: ClientVisitQueries,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    cipher: PersonalDataCipher,
  ) {
    this.codec = visitEventCodec(cipher);
  }

  async execute(tenantId: string, clientId: string, cursor?: string): Promise<ClientVisitsExportPage> {
    const page = await this.queries.listForClient(tenantId, clientId, { sort: 'dateAsc', limit: VISIT_EXPORT_PAGE_SIZE, cursor });
    const visits: VisitDetailsView[] = [];
    const events: ExportedVisitEvent[] = [];
    for (const item of page.items) {
      const stream = toVisitStreamName(item.visitId);
      const recorded = (await this.store.readStream(stream)).filter((event) => event.metadata.tenantId === tenantId);
      let state: VisitState = visitDecider.initialState();
      for (const event of recorded) {
        const decoded = await this.codec.decode(event);
        state = visitDecider.evolve(state, decoded);
        events.push({
          context: 'visits',
          stream,
          revision: String(event.revision),
          type: event.type,
          recordedAt: event.createdAt.toISOString(),
          actorId: event.metadata.actorId ?? null,
          salonId: event.metadata.salonId ?? null,
          correlationId: event.metadata.correlationId,
          data: decoded.data,
        });
      }
      if (state.status !== 'none') visits.push(VisitDetailsView.of(state, recorded.length > 0 ? recorded[recorded.length - 1].revision : undefined));
    }
    return { clientId, visits, events, nextCursor: page.nextCursor };
  }
}
