import { Logger } from '@nestjs/common';
import type { Collection, Document, Filter, Sort } from 'mongodb';
import type { Connection } from 'mongoose';
import { CountryCode, nameQueryKeys, normalisePhone } from '@salon/clients/domain';
import { CursorCodec } from '@salon/shared/crypto';
import { DomainError, pageSizeOf } from '@salon/shared/ddd';
import { ReadModelVersions } from '@salon/shared/messaging';
import { CLIENT_PROFILES_COLLECTION, ClientProfileDocument, ClientProfileStatus, ensureClientProfileIndexes } from './client-profile.document';
import { ClientProfilePage, ClientProfileView, toClientProfileView } from './client-profile.view';
import { ClientSort, SearchPosition, decodeSearchCursor, encodeSearchCursor } from './search-position';

/** Every criterion is optional; they combine with AND. */
export interface ClientSearchCriteria {
  /** Any part of a name, in any case, with or without accents. */
  readonly text?: string;
  /** A phone number or part of one, in any format typed. */
  readonly phone?: string;
  /** The chain's country: reads national prefixes in `phone` ("8 912 ..." in RU, "0048 ..." in PL). */
  readonly defaultCountry?: CountryCode;
  /** The whole address, in any case. */
  readonly email?: string;
  readonly hasEmail?: boolean;
  readonly marketingConsent?: boolean;
  /** Registered at or after. */
  readonly createdFrom?: Date;
  /** Registered before. */
  readonly createdTo?: Date;
  /** Also list erased clients ("Archived client N"). */
  readonly includeArchived?: boolean;
  /** 'name' (default) or 'lastVisit' (most recent first, never-visited last). */
  readonly sort?: ClientSort;
  /** 1 to 100; 20 by default. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page, searched with the same criteria. */
  readonly cursor?: string;
}

/** The criteria of an export: those of the search, without paging, order or archived cards. */
export type ClientExportCriteria = Omit<ClientSearchCriteria, 'includeArchived' | 'sort' | 'limit' | 'cursor'>;

const VISIBLE_STATUSES: readonly ClientProfileStatus[] = ['active', 'erased'];

const SORT_ORDERS: Record<ClientSort, Sort> = {
  name: { sortName: 1, _id: 1 },
  // Descending puts null (never visited) last: null sorts below every date in BSON order.
  lastVisit: { 'visitStatistics.lastVisitAt': -1, _id: 1 },
};

/**
 * Reads of the client profile view, always from the collection version readers are switched to
 * (a rebuild fills a new version, then switches). Tenant-scoped: another chain's client is
 * simply not there.
 */
export class ClientProfileQueries {
  private readonly logger = new Logger(ClientProfileQueries.name);
  private readonly versions: ReadModelVersions;
  /** Per physical collection: whether every active card has its name keys (see nameMatchingOf). */
  private readonly nameMatching = new Map<string, Promise<NameMatching>>();

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

  /** The client card; undefined for an unknown, deleted or other chain's client. Erased: the archived card. */
  async getProfile(tenantId: string, clientId: string): Promise<ClientProfileView | undefined> {
    // The tenant in the filter itself (defence in depth: no code path reads a card by `_id` alone);
    // served by the unique `{ _id, tenantId }` index, which the local server needs to use an index.
    const document = await (await this.collection()).findOne({ _id: clientId, tenantId });
    if (!document || !VISIBLE_STATUSES.includes(document.status)) return undefined;
    return toClientProfileView(document);
  }

  /** One page of clients matching every criterion, in a stable order (keyset pagination). */
  async search(tenantId: string, criteria: ClientSearchCriteria = {}): Promise<ClientProfilePage> {
    const sort = criteria.sort ?? 'name';
    if (!Object.hasOwn(SORT_ORDERS, sort)) throw DomainError.invalid('invalid-sort', `Clients are sorted by name or lastVisit, not "${sort}"`, { field: 'sort' });
    const limit = pageSizeOf(criteria.limit, 'clients');
    const after = criteria.cursor ? decodeSearchCursor(this.cursors, criteria.cursor, sort) : undefined;
    const collection = await this.collection();
    const clauses = [...criteriaClauses(tenantId, criteria, await this.nameMatchingOf(collection, criteria)), ...(after ? [afterClause(after)] : [])];

    const documents = await collection
      .find({ $and: clauses } as Filter<ClientProfileDocument>, { projection: { search: 0 } })
      .sort(SORT_ORDERS[sort])
      // One more than asked, to know whether another page follows without counting.
      .limit(limit + 1)
      .toArray();

    const page = documents.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toClientProfileView),
      ...(documents.length > limit ? { nextCursor: encodeSearchCursor(this.cursors, positionOf(last, sort)) } : {}),
    };
  }

  /**
   * Every active client matching the criteria (erased and deleted ones never: an archived card
   * has nothing to export), in name order, through one server cursor read in batches of
   * `batchSize`. The export holds one batch in memory and reads the next only when its consumer
   * (the HTTP response) has taken the last; one query rather than keyset pages, since the local
   * server scans the collection for each compound filter.
   */
  async *activeClientsMatching(tenantId: string, criteria: ClientExportCriteria, batchSize = 500): AsyncGenerator<ClientProfileDocument> {
    const collection = await this.collection();
    const cursor = collection
      .find({ $and: criteriaClauses(tenantId, { ...criteria, includeArchived: false }, await this.nameMatchingOf(collection, criteria)) } as Filter<ClientProfileDocument>, {
        projection: { search: 0, visits: 0, visitRevisions: 0, visitStatistics: 0 },
      })
      .sort(SORT_ORDERS.name)
      .batchSize(batchSize);
    try {
      for await (const document of cursor) yield document;
    } finally {
      await cursor.close();
    }
  }

  /**
   * Lower-cased e-mail → client id of every active client of the chain that has one, read in one
   * pass. An import looks up the e-mail of each of its rows: one query per row would scan the
   * collection each time on the local server (it builds no non-unique index), so a 10,000-row
   * file slowed down as the base grew; one scan per import pass does not.
   */
  async activeClientsByEmail(tenantId: string): Promise<Map<string, string>> {
    const cursor = (await this.collection())
      .find({ tenantId, status: 'active', 'search.email': { $exists: true } } as Filter<ClientProfileDocument>, {
        projection: { _id: 1, 'search.email': 1 },
      })
      .batchSize(2_000);
    const byEmail = new Map<string, string>();
    for await (const document of cursor) {
      const email = document.search?.email;
      // The card's id is the client id (`_id`); the card has no clientId field.
      if (email !== undefined && !byEmail.has(email)) byEmail.set(email, document._id);
    }
    return byEmail;
  }

  /** The indexes the queries use, on the active version (a rebuild indexes its target itself). */
  async ensureIndexes(): Promise<void> {
    await ensureClientProfileIndexes(this.mongo, await this.versions.activeCollection(CLIENT_PROFILES_COLLECTION));
  }

  private async collection(): Promise<Collection<ClientProfileDocument>> {
    return this.mongo.collection<ClientProfileDocument>(await this.versions.activeCollection(CLIENT_PROFILES_COLLECTION));
  }

  /**
   * 'keys' once no active card of the collection lacks its name keys; 'scan' for a version written
   * (in part) before they existed, where a name is matched by the regular expression alone, as
   * before, until `npm run rebuild -- client-profiles` switches readers to a version the
   * projection keyed throughout. Asked once per physical collection and process: cards written
   * from then on carry the keys, and a rebuild's version is a new collection.
   */
  private nameMatchingOf(collection: Collection<ClientProfileDocument>, criteria: { readonly text?: string }): Promise<NameMatching> {
    if (nameQueryKeys(criteria.text ?? '').keys.length === 0) return Promise.resolve('keys'); // no name to match
    const name = collection.collectionName;
    let known = this.nameMatching.get(name);
    if (!known) {
      known = collection.findOne({ status: 'active', search: { $exists: true }, 'search.nameKeys': { $exists: false } } as Filter<ClientProfileDocument>, { projection: { _id: 1 } }).then(
        (unkeyed) => {
          if (!unkeyed) return 'keys';
          this.logger.warn(`${name} has cards without name keys: name search scans the chain's cards until "npm run rebuild -- client-profiles"`);
          return 'scan';
        },
        (error: unknown) => {
          this.nameMatching.delete(name);
          throw error;
        },
      );
      this.nameMatching.set(name, known);
    }
    return known;
  }
}

/** How a name fragment is matched: by its name keys (an index), or by a regular expression over the names (a scan). */
type NameMatching = 'keys' | 'scan';

function criteriaClauses(tenantId: string, criteria: ClientSearchCriteria, nameMatching: NameMatching): Document[] {
  const clauses: (Document | undefined)[] = [
    { tenantId },
    { status: criteria.includeArchived ? { $in: ['active', 'erased'] } : 'active' },
    ...nameClauses(criteria.text, nameMatching),
    phoneClause(criteria.phone, criteria.defaultCountry),
    emailClause(criteria.email),
    criteria.hasEmail === undefined ? undefined : { 'search.email': { $exists: criteria.hasEmail } },
    marketingConsentClause(criteria.marketingConsent),
    registeredClause(criteria.createdFrom, criteria.createdTo),
  ];
  return clauses.filter((clause): clause is Document => clause !== undefined);
}

/**
 * A fragment anywhere in a name, compared in the normalised form the names are stored in: an
 * equality on one name key per word (all of them), which the index `tenant_nameKeys_sortName_id`
 * serves; when the keys alone do not decide (several words, which must also stand in the order
 * typed, or a word longer than a key), the fragment is then found whole in the names, among the
 * candidates the keys left.
 */
function nameClauses(text: string | undefined, matching: NameMatching): Document[] {
  const query = nameQueryKeys(text ?? '');
  if (query.keys.length === 0) return [];
  const whole = { 'search.name': { $regex: escapeRegex(query.fragment) } };
  if (matching === 'scan') return [whole];
  const byKeys = { 'search.nameKeys': query.keys.length === 1 ? query.keys[0] : { $all: query.keys } };
  return query.decisive ? [byKeys] : [byKeys, whole];
}

function phoneClause(phone: string | undefined, defaultCountry: CountryCode | undefined): Document | undefined {
  if (phone === undefined || phone.trim() === '') return undefined;
  const candidates = phoneDigitCandidates(phone, defaultCountry);
  if (candidates.length === 0) throw DomainError.invalid('invalid-phone', 'A phone search needs at least one digit', { field: 'phone' });
  // Substrings of the stored keys (E.164 digits, national number, national form): a partial
  // number finds every client whose number contains it.
  return { 'search.phones': { $in: candidates.map((digits) => new RegExp(digits)) } };
}

/**
 * The digit strings a typed phone may be stored under: its digits as typed; the E.164 digits
 * when it reads as a whole number of the chain's country ("8 (912) 345-67-89", "0048 601 234
 * 567"); and for a partial number typed with the international prefix 00, the digits after it.
 */
function phoneDigitCandidates(phone: string, defaultCountry: CountryCode | undefined): string[] {
  const digits = phone.replace(/\D/g, '');
  if (digits === '') return [];
  const candidates = [digits, digits.replace(/^00/, '')];
  const e164 = defaultCountry ? e164Of(phone, defaultCountry) : undefined;
  if (e164) candidates.push(e164.replace(/\D/g, ''));
  return [...new Set(candidates.filter((candidate) => candidate !== ''))];
}

function e164Of(phone: string, defaultCountry: CountryCode): string | undefined {
  try {
    return normalisePhone(phone, defaultCountry).e164;
  } catch (error) {
    // Not a whole valid number (a fragment, most likely): the typed digits still search.
    if (error instanceof DomainError) return undefined;
    throw error;
  }
}

function emailClause(email: string | undefined): Document | undefined {
  const address = email?.trim().toLowerCase();
  return address ? { 'search.email': address } : undefined;
}

/** Only a recorded marketing consent counts: "false" also finds clients the consent context has not reported. */
function marketingConsentClause(marketingConsent: boolean | undefined): Document | undefined {
  if (marketingConsent === undefined) return undefined;
  return { 'consent.marketing': marketingConsent ? true : { $ne: true } };
}

function registeredClause(from: Date | undefined, to: Date | undefined): Document | undefined {
  if (from === undefined && to === undefined) return undefined;
  return {
    registeredAt: {
      ...(from === undefined ? {} : { $gte: validDate(from, 'createdFrom') }),
      ...(to === undefined ? {} : { $lt: validDate(to, 'createdTo') }),
    },
  };
}

function validDate(value: Date, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw DomainError.invalid('invalid-date', `"${field}" is not a date and time`, { field });
  }
  return value;
}

/** Everything after the last item of the previous page, in the sort order, `_id` breaking ties. */
function afterClause(position: SearchPosition): Document {
  if (position.sort === 'name') {
    return { $or: [{ sortName: { $gt: position.sortName } }, { sortName: position.sortName, _id: { $gt: position.id } }] };
  }
  const lastVisitAt = 'visitStatistics.lastVisitAt';
  if (position.lastVisitAt === null) return { [lastVisitAt]: null, _id: { $gt: position.id } };
  return {
    $or: [
      { [lastVisitAt]: { $lt: position.lastVisitAt } },
      { [lastVisitAt]: position.lastVisitAt, _id: { $gt: position.id } },
      // Never-visited clients come after every dated one; `$lt` does not match null.
      { [lastVisitAt]: null },
    ],
  };
}

function positionOf(document: ClientProfileDocument, sort: ClientSort): SearchPosition {
  if (sort === 'name') return { sort, sortName: document.sortName ?? '', id: document._id };
  return { sort, lastVisitAt: asDate(document.visitStatistics?.lastVisitAt), id: document._id };
}

function asDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
