import type { Collection, Document, Filter, Sort } from 'mongodb';
import type { Connection } from 'mongoose';
import type { VisitStatusV1 } from '@salon/contracts';
import { CursorCodec } from '@salon/shared/crypto';
import { DomainError, pageSizeOf } from '@salon/shared/ddd';
import { ReadModelVersions } from '@salon/shared/messaging';
import { CLIENT_VISITS_COLLECTION, ClientVisitDocument, ensureClientVisitIndexes } from './client-visit.document';
import { VisitListItemView, VisitByNumberView, toVisitListItemView, toVisitByNumberView } from './client-visit.view';
import { VISIT_SORTS, VisitListPosition, VisitSort, decodeVisitCursor, encodeVisitCursor } from './visit-list-position';
import { searchKey } from './search-key';

export const VISIT_STATUSES: readonly VisitStatusV1[] = ['booked', 'confirmed', 'arrived', 'completed', 'cancelled', 'no-show'];

/** Every criterion is optional; they combine with AND. */
export interface ClientVisitQuery {
  /** A fragment of a specialist or service name (any case, with or without accents); all digits: the visit number. */
  readonly q?: string;
  /** One status or several (any of them). */
  readonly status?: VisitStatusV1 | readonly VisitStatusV1[];
  /** Salon dates, inclusive, YYYY-MM-DD. */
  readonly from?: string;
  readonly to?: string;
  readonly salonId?: string;
  readonly specialistId?: string;
  readonly serviceId?: string;
  /** 'date' (newest first, default) or 'dateAsc'. */
  readonly sort?: VisitSort;
  /** 1 to 100; 20 by default. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page, asked with the same criteria. */
  readonly cursor?: string;
}

export interface ClientVisitPage {
  readonly items: VisitListItemView[];
  readonly nextCursor: string | null;
}

const SORT_ORDERS: Record<VisitSort, Sort> = {
  date: { startsAt: -1, _id: -1 },
  dateAsc: { startsAt: 1, _id: 1 },
};

const SALON_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DIGITS = /^\d+$/;
const MAX_Q_LENGTH = 100;

/**
 * Reads of the visit list, always from the collection version readers are switched to.
 * Tenant-scoped: another chain's visit is simply not there.
 */
export class ClientVisitQueries {
  private readonly versions: ReadModelVersions;

  /**
   * `cursors` is the service's codec (keyed by MASTER_KEY) in the Nest container; code that builds
   * the queries directly (tests, tools) gets a codec whose cursors last as long as this object.
   */
  constructor(
    private readonly mongo: Connection,
    private readonly cursors: CursorCodec = CursorCodec.withEphemeralKey(),
  ) {
    this.versions = new ReadModelVersions(mongo);
  }

  /** One page of a client's visits matching every criterion, in a stable order (keyset pagination). */
  async listForClient(tenantId: string, clientId: string, query: ClientVisitQuery = {}): Promise<ClientVisitPage> {
    const sort = query.sort ?? 'date';
    if (!VISIT_SORTS.includes(sort)) throw DomainError.invalid('invalid-sort', `Visits are sorted by date or dateAsc, not "${String(sort)}"`, { field: 'sort' });
    const limit = pageSizeOf(query.limit, 'visits');
    const after = query.cursor !== undefined && query.cursor !== '' ? decodeVisitCursor(this.cursors, query.cursor, sort) : undefined;
    const clauses = [{ tenantId }, { clientId }, ...criteriaClauses(query), ...(after ? [afterClause(after)] : [])];

    const documents = await (await this.collection())
      .find({ $and: clauses } as Filter<ClientVisitDocument>, { projection: { search: 0 } })
      .sort(SORT_ORDERS[sort])
      .limit(limit + 1)
      .toArray();

    const page = documents.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toVisitListItemView),
      nextCursor: documents.length > limit ? encodeVisitCursor(this.cursors, { sort, startsAt: asDate(last.startsAt), id: last._id }) : null,
    };
  }

  /** The visit with this number in the chain, or undefined. */
  async getByNumber(tenantId: string, number: number): Promise<VisitByNumberView | undefined> {
    if (!Number.isSafeInteger(number) || number < 1) throw DomainError.invalid('invalid-number', 'A visit number is a positive whole number', { field: 'number' });
    const document = await (await this.collection()).findOne({ tenantId, number }, { projection: { search: 0 } });
    return document ? toVisitByNumberView(document) : undefined;
  }

  /** The indexes the queries use, on the active version (a rebuild indexes its target itself). */
  async ensureIndexes(): Promise<void> {
    await ensureClientVisitIndexes(this.mongo, await this.versions.activeCollection(CLIENT_VISITS_COLLECTION));
  }

  private async collection(): Promise<Collection<ClientVisitDocument>> {
    return this.mongo.collection<ClientVisitDocument>(await this.versions.activeCollection(CLIENT_VISITS_COLLECTION));
  }
}

/** The clauses of the criteria (validated), without tenant and client. Exported for unit tests. */
export function criteriaClauses(query: ClientVisitQuery): Document[] {
  const clauses: (Document | undefined)[] = [
    textClause(query.q),
    statusClause(query.status),
    dateClause(query.from, query.to),
    idClause('salonId', 'salonId', query.salonId),
    idClause('specialists.specialistId', 'specialistId', query.specialistId),
    idClause('services.serviceId', 'serviceId', query.serviceId),
  ];
  return clauses.filter((clause): clause is Document => clause !== undefined);
}

function textClause(q: string | undefined): Document | undefined {
  if (q === undefined) return undefined;
  if (typeof q !== 'string' || q.length > MAX_Q_LENGTH) throw DomainError.invalid('invalid-q', `A search is at most ${MAX_Q_LENGTH} characters`, { field: 'q' });
  const trimmed = q.trim();
  if (DIGITS.test(trimmed)) {
    const number = Number(trimmed);
    // Too long to be a visit number: it cannot match anything.
    return { number: Number.isSafeInteger(number) ? number : -1 };
  }
  const fragment = searchKey(trimmed);
  if (fragment === '') return undefined;
  const pattern = { $regex: escapeRegex(fragment) };
  return { $or: [{ 'search.specialists': pattern }, { 'search.services': pattern }] };
}

function statusClause(status: VisitStatusV1 | readonly VisitStatusV1[] | undefined): Document | undefined {
  if (status === undefined) return undefined;
  const list: readonly unknown[] = Array.isArray(status) ? status : [status];
  const unknown = list.filter((s) => !VISIT_STATUSES.includes(s as VisitStatusV1));
  if (list.length === 0 || unknown.length > 0) {
    throw DomainError.invalid('invalid-status', `A status is one of ${VISIT_STATUSES.join(', ')}`, { field: 'status', values: unknown });
  }
  return { status: { $in: [...new Set(list)] } };
}

function dateClause(from: string | undefined, to: string | undefined): Document | undefined {
  if (from === undefined && to === undefined) return undefined;
  if (from !== undefined) validSalonDate(from, 'from');
  if (to !== undefined) validSalonDate(to, 'to');
  if (from !== undefined && to !== undefined && from > to) {
    throw DomainError.invalid('invalid-date-range', '"from" is after "to"', { field: 'to' });
  }
  return { salonDate: { ...(from === undefined ? {} : { $gte: from }), ...(to === undefined ? {} : { $lte: to }) } };
}

export function validSalonDate(value: string, field: string): string {
  const date = typeof value === 'string' && SALON_DATE.test(value) ? new Date(`${value}T00:00:00.000Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw DomainError.invalid('invalid-date', `"${field}" is not a date (YYYY-MM-DD)`, { field });
  }
  return value;
}

function idClause(path: string, field: string, value: string | undefined): Document | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) throw DomainError.invalid(`invalid-${field}`, `"${field}" is not an id`, { field });
  return { [path]: value };
}

/** Everything after the last item of the previous page, in the sort order, `_id` breaking ties. */
function afterClause(position: VisitListPosition): Document {
  const op = position.sort === 'date' ? '$lt' : '$gt';
  return { $or: [{ startsAt: { [op]: position.startsAt } }, { startsAt: position.startsAt, _id: { [op]: position.id } }] };
}

function asDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
