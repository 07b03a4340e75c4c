import { createHash } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import { TOPICS } from '@salon/contracts';
import { DomainError } from '@salon/shared/ddd';
import { Evolved, IncomingMessage, Projection, ReadModelCollections, ReadModelDocument, ensureUniqueIndex } from '@salon/shared/messaging';
import { VisitMessage, isVisitMessage, visitIdOf } from '../client-visits/client-visits.projection';
import {
  BI_COLLECTIONS,
  ClientFirstVisitDocument,
  FirstVisitRef,
  SalonDailyDocument,
  SalonDayVisitsDocument,
  VisitFactDocument,
  WrittenDigests,
  clientKey,
  fieldKey,
  salonDayKey,
  salonDayMemberKey,
} from './bi.documents';
import { computeDailyStatistics } from './daily-statistics';
import { dayEntryOf, factFields } from './visit-facts';

export const VISIT_STATISTICS_PROJECTION = 'visit-statistics';

/**
 * Statistics for analysts who query MongoDB directly (see the BI documentation): per salon-day,
 * per specialist-day and per service-day, from `visits.visit-events.v1`.
 *
 * Declared: one fact per visit (`bi_visit_facts`, `evolveVisitFact`), remembering every
 * salon-day the visit was ever on. The daily documents are aggregates over many visits, which a
 * per-document `evolve` cannot say, so a refresh step recomputes them after each batch from the
 * batch's facts (all of them, written or already there, so a batch redelivered after a crash
 * finishes what the crash left undone):
 *  1. files each visit under its current salon-day (`bi_salon_day_visits`) and removes it from
 *     the other days it was on;
 *  2. recomputes each affected client's first completed visit (`bi_client_first_visits`) and
 *     marks the client as "first" on that salon-day only;
 *  3. recomputes every affected salon-day's documents (`bi_salon_daily`, `bi_specialist_daily`,
 *     `bi_service_daily`) from its salon-day document as steps 1 and 2 leave it: a pure
 *     function, so redelivery, replays and rebuilds give identical documents; a day left without
 *     visits loses them; only documents whose digest changed are written.
 * It reads the clients and the days once (in parallel), works in memory, then writes the daily
 * documents, then each changed day once (its entries and the digests of what was just written),
 * then the clients: each write waits for what a redelivery after a crash would need to find
 * unchanged. Every read and write is by `_id` (no collection scans), every write filtered by the
 * tenant too, one write per document per batch, and it is safe to repeat. Two runners refreshing
 * one salon-day at the same moment (different clients' visits, different partitions) can leave
 * its daily documents without the other's latest change until the day is touched again, as
 * before: the day's entries are set field by field and stay right.
 */
export function createVisitStatisticsProjection(): Projection<VisitFactDocument> {
  return {
    name: VISIT_STATISTICS_PROJECTION,
    topics: [TOPICS.visitEvents.name],
    collections: Object.values(BI_COLLECTIONS),
    canHandle: isVisitMessage,
    documentId: visitIdOf,
    evolve: evolveVisitFact,
    refresh: { run: (facts, collections) => refreshStatistics(facts, collections) },
  };
}

/** The fact of the visit as the message states it, its salon-day added to the days it was on. */
export function evolveVisitFact(fact: VisitFactDocument | null, message: IncomingMessage): Evolved<VisitFactDocument> {
  const { visit } = (message as VisitMessage).data;
  const day = salonDayKey(message.tenantId, visit.salonId, visit.salonDate);
  const days = fact?.days.includes(day) ? fact.days : [...(fact?.days ?? []), day];
  return { ...fact, _id: visit.visitId, ...factFields(message.tenantId, visit), days };
}

async function refreshStatistics(facts: readonly VisitFactDocument[], collections: ReadModelCollections): Promise<void> {
  if (facts.length === 0) return;
  const [dayVisits, clientFirsts, salonDaily, specialistDaily, serviceDaily] = await Promise.all([
    collections.collection<SalonDayVisitsDocument>(BI_COLLECTIONS.salonDayVisits),
    collections.collection<ClientFirstVisitDocument>(BI_COLLECTIONS.clientFirstVisits),
    collections.collection<SalonDailyDocument>(BI_COLLECTIONS.salonDaily),
    collections.collection<ReadModelDocument>(BI_COLLECTIONS.specialistDaily),
    collections.collection<ReadModelDocument>(BI_COLLECTIONS.serviceDaily),
  ]);
  // Every write below is filtered by { _id, tenantId }: served by this index on servers that need one per filter.
  await Promise.all([dayVisits, clientFirsts, salonDaily, specialistDaily, serviceDaily].map((c) => ensureUniqueIndex(c as Collection<ReadModelDocument>, TENANT_GUARD)));

  const changed = [...facts].sort(byId);
  const dayChanges = new DayChanges();

  // 1. Each visit under its current salon-day only.
  for (const fact of changed) {
    const current = salonDayKey(fact.tenantId, fact.salonId, fact.salonDate);
    dayChanges.set(current, fact, 'visits', fieldKey(fact._id), dayEntryOf(fact));
    for (const day of fact.days ?? []) {
      if (day !== current) dayChanges.unset(day, fact.tenantId, 'visits', fieldKey(fact._id));
    }
  }

  // 2. The first completed visit of each affected client (one partition holds all of a client's
  // visits, so a client is never refreshed by two runners of the group at once).
  const byClient = new Map<string, VisitFactDocument[]>();
  for (const fact of changed) {
    const key = clientKey(fact.tenantId, fact.clientId);
    byClient.set(key, [...(byClient.get(key) ?? []), fact]);
  }
  // The clients and the days step 1 touched are read at once; step 2 may touch a few days more (a client's earlier first day).
  const readDays = new Set(dayChanges.dayIds());
  const [storedClients, storedDays] = await Promise.all([
    clientFirsts.find({ _id: { $in: [...byClient.keys()] } }).toArray(),
    dayVisits.find({ _id: { $in: [...readDays] } }).toArray(),
  ]);
  const previous = new Map(storedClients.map((doc) => [doc._id, doc]));
  const clientWrites: AnyBulkWriteOperation<ClientFirstVisitDocument>[] = [];
  for (const [key, clientFacts] of byClient) {
    const { tenantId, clientId } = clientFacts[0];
    const old = ownedBy(tenantId, previous.get(key));
    const completed = nextCompletedVisits(old?.completedVisits ?? [], clientFacts);
    const first = completed[0];
    const oldDay = old ? salonDayKey(tenantId, old.firstSalonId, old.firstVisitDate) : undefined;
    const newDay = first ? salonDayKey(tenantId, first.salonId, first.salonDate) : undefined;
    if (oldDay !== undefined && oldDay !== newDay) dayChanges.unset(oldDay, tenantId, 'firstClients', fieldKey(clientId));
    if (first && newDay) {
      const document: ClientFirstVisitDocument = {
        _id: key,
        tenantId,
        clientId,
        firstVisitDate: first.salonDate,
        firstSalonId: first.salonId,
        firstVisitId: first.visitId,
        completedVisits: completed,
      };
      // Unchanged (most events are not completions): the stored document already says so, and
      // its day was marked before it was written (days are written before clients).
      if (old && sameDocument(old, document)) continue;
      // A first day that stays (another completed visit was added) is marked already, for the same reason.
      if (newDay !== oldDay) dayChanges.set(newDay, { tenantId, salonId: first.salonId, salonDate: first.salonDate }, 'firstClients', fieldKey(clientId), clientId);
      clientWrites.push({ replaceOne: { filter: { _id: key, tenantId }, replacement: document, upsert: true } });
    } else if (old) {
      clientWrites.push({ deleteOne: { filter: { _id: key, tenantId } } });
    }
  }

  // 3. Every affected salon-day, recomputed from its salon-day document as the changes leave it
  // (applied in memory to the days as read); daily documents whose digest did not change
  // are not rewritten.
  const dayIds = dayChanges.dayIds().sort();
  const unread = dayIds.filter((dayId) => !readDays.has(dayId));
  const days = new Map([...storedDays, ...(unread.length > 0 ? await dayVisits.find({ _id: { $in: unread } }).toArray() : [])].map((day) => [day._id, day]));
  const salonWrites: AnyBulkWriteOperation<SalonDailyDocument>[] = [];
  const specialistWrites: AnyBulkWriteOperation<ReadModelDocument>[] = [];
  const serviceWrites: AnyBulkWriteOperation<ReadModelDocument>[] = [];
  const dayWrites: AnyBulkWriteOperation<SalonDayVisitsDocument>[] = [];
  const emptyDays: { _id: string; tenantId: string }[] = [];
  for (const dayId of dayIds) {
    const tenantId = dayChanges.tenantOf(dayId);
    const stored = ownedBy(tenantId, days.get(dayId));
    const day = dayChanges.applyTo(dayId, stored);
    const statistics = day ? computeDailyStatistics(day) : undefined;
    const before = stored?.written;
    const salon = statistics ? digestOf(statistics.salon) : undefined;
    if (salon !== before?.salon) {
      salonWrites.push(
        statistics
          ? { replaceOne: { filter: { _id: dayId, tenantId }, replacement: statistics.salon, upsert: true } }
          : { deleteOne: { filter: { _id: dayId, tenantId } } },
      );
    }
    const memberId = (id: string) => salonDayMemberKey(tenantId, day?.salonId ?? '', day?.salonDate ?? '', id);
    const specialists = changedDocuments(statistics?.specialists ?? [], (doc) => doc.specialistId, before?.specialists ?? [], memberId, tenantId, specialistWrites);
    const services = changedDocuments(statistics?.services ?? [], (doc) => doc.serviceId, before?.services ?? [], memberId, tenantId, serviceWrites);
    if (day && !statistics && Object.keys(day.firstClients ?? {}).length === 0) emptyDays.push({ _id: dayId, tenantId });
    const written: WrittenDigests = { ...(salon ? { salon } : {}), specialists, services };
    const write = dayChanges.operation(dayId, stored, JSON.stringify(written) !== JSON.stringify(before) ? written : undefined);
    if (write) dayWrites.push(write);
  }
  // Daily documents first, then the days with their digests: if interrupted in between, the
  // redelivery finds the digests older than the documents and rewrites them.
  await Promise.all([bulk(salonDaily, salonWrites), bulk(specialistDaily, specialistWrites), bulk(serviceDaily, serviceWrites)]);
  // Days before clients: if interrupted in between, the redelivery still sees the old first visit.
  await bulk(dayVisits, dayWrites);
  // A salon-day left with neither visits nor first clients goes (only if still empty).
  if (emptyDays.length > 0) {
    const empty = (field: string) => ({ $or: [{ [field]: {} }, { [field]: { $exists: false } }] });
    await bulk(
      dayVisits,
      emptyDays.map((filter) => ({ deleteOne: { filter: { ...filter, $and: [empty('visits'), empty('firstClients')] } as Document } })),
    );
  }
  await bulk(clientFirsts, clientWrites);
}

/** The write filters of the refresh: `_id` and the tenant (see ensureUniqueIndex). */
const TENANT_GUARD = ['_id', 'tenantId'] as const;

/** The stored document if it is the tenant's; another tenant's document under the id refuses the batch, untouched. */
function ownedBy<D extends ReadModelDocument>(tenantId: string, stored: D | undefined): D | undefined {
  if (stored !== undefined && stored['tenantId'] !== tenantId) {
    throw DomainError.conflict('document-of-another-tenant', `The BI document ${stored._id} belongs to another tenant`);
  }
  return stored;
}

type DayMap = 'visits' | 'firstClients';
type DayOf = Pick<SalonDayVisitsDocument, 'tenantId' | 'salonId' | 'salonDate'>;

/**
 * The changes of a batch to the salon-day documents: entries of a day's `visits` and
 * `firstClients` set (the day created if needed) and removed. A key is never both set and removed
 * for one day (a visit is removed only from days other than its current one). Applied in memory to
 * the day as read, and written as one update per day that changes only what differs.
 */
class DayChanges {
  private readonly days = new Map<string, { tenantId: string; day: DayOf | undefined; set: Record<DayMap, Map<string, unknown>>; unset: Record<DayMap, Set<string>> }>();

  set(dayId: string, day: DayOf, map: DayMap, key: string, value: unknown): void {
    const changes = this.changesOf(dayId, day.tenantId);
    changes.day = { tenantId: day.tenantId, salonId: day.salonId, salonDate: day.salonDate };
    changes.set[map].set(key, value);
  }

  unset(dayId: string, tenantId: string, map: DayMap, key: string): void {
    this.changesOf(dayId, tenantId).unset[map].add(key);
  }

  dayIds(): string[] {
    return [...this.days.keys()];
  }

  tenantOf(dayId: string): string {
    return (this.days.get(dayId) as { tenantId: string }).tenantId;
  }

  /** The day after the changes; undefined when there is none and nothing is filed under it. */
  applyTo(dayId: string, stored: SalonDayVisitsDocument | undefined): SalonDayVisitsDocument | undefined {
    const { day, set, unset } = this.days.get(dayId) as NonNullable<ReturnType<DayChanges['days']['get']>>;
    if (!stored && !day) return undefined;
    const base = stored ?? { _id: dayId, ...(day as DayOf) };
    const next: SalonDayVisitsDocument = { ...base };
    for (const map of ['visits', 'firstClients'] as const) {
      if (set[map].size === 0 && unset[map].size === 0) continue;
      const entries: Record<string, unknown> = { ...base[map] };
      for (const key of unset[map]) delete entries[key];
      for (const [key, value] of set[map]) entries[key] = value;
      (next as Document)[map] = entries;
    }
    return next;
  }

  /**
   * The one update of a day: the entries that differ from the stored ones set, those stored
   * removed, and `written` when given; none when nothing changes. Only a day something is filed
   * under is created (removing from a day that is gone is nothing).
   */
  operation(dayId: string, stored: SalonDayVisitsDocument | undefined, written: WrittenDigests | undefined): AnyBulkWriteOperation<SalonDayVisitsDocument> | undefined {
    const { tenantId, day, set, unset } = this.days.get(dayId) as NonNullable<ReturnType<DayChanges['days']['get']>>;
    const $set: Document = {};
    const $unset: Document = {};
    for (const map of ['visits', 'firstClients'] as const) {
      const storedEntries = (stored?.[map] ?? {}) as Record<string, unknown>;
      for (const [key, value] of set[map]) {
        if (!(key in storedEntries) || !sameValue(storedEntries[key], value)) $set[`${map}.${key}`] = value;
      }
      for (const key of unset[map]) if (key in storedEntries) $unset[`${map}.${key}`] = '';
    }
    if (written) $set['written'] = written;
    const filing = Object.keys($set).some((field) => field !== 'written');
    if (!filing && Object.keys($unset).length === 0 && !written) return undefined;
    if (!stored && !filing) return undefined;
    return {
      updateOne: {
        filter: { _id: dayId, tenantId },
        update: { $set: filing && day ? { ...day, ...$set } : $set, ...(Object.keys($unset).length > 0 ? { $unset } : {}) },
        upsert: filing,
      },
    };
  }

  private changesOf(dayId: string, tenantId: string) {
    let changes = this.days.get(dayId);
    if (!changes) {
      changes = { tenantId, day: undefined, set: { visits: new Map(), firstClients: new Map() }, unset: { visits: new Set(), firstClients: new Set() } };
      this.days.set(dayId, changes);
    }
    return changes;
  }
}

/**
 * Replaces the documents whose digest differs from the one last written and deletes those no
 * longer there; returns the new digests, sorted by id.
 */
function changedDocuments<D extends ReadModelDocument>(
  documents: readonly D[],
  idOf: (document: D) => string,
  before: readonly [string, string][],
  documentIdOf: (memberId: string) => string,
  tenantId: string,
  writes: AnyBulkWriteOperation<ReadModelDocument>[],
): [string, string][] {
  const previous = new Map(before);
  const digests: [string, string][] = [];
  for (const document of documents) {
    const id = idOf(document);
    const digest = digestOf(document);
    digests.push([id, digest]);
    if (previous.get(id) !== digest) writes.push({ replaceOne: { filter: { _id: document._id, tenantId }, replacement: document, upsert: true } });
    previous.delete(id);
  }
  for (const id of previous.keys()) writes.push({ deleteOne: { filter: { _id: documentIdOf(id), tenantId } } });
  return digests;
}

/** Deep equality of BSON-like values (plain objects, arrays, strings, numbers, booleans, null), key order included. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key, index) => key === keysB[index] && sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

function sameDocument(stored: ClientFirstVisitDocument, next: ClientFirstVisitDocument): boolean {
  const canonical = (doc: ClientFirstVisitDocument) =>
    JSON.stringify([
      doc._id,
      doc.tenantId,
      doc.clientId,
      doc.firstVisitDate,
      doc.firstSalonId,
      doc.firstVisitId,
      doc.completedVisits.map((ref) => [ref.visitId, ref.salonId, ref.salonDate, asDate(ref.startsAt).toISOString()]),
    ]);
  return Object.keys(stored).length === Object.keys(next).length && canonical(stored) === canonical(next);
}

function digestOf(document: object): string {
  return createHash('sha1').update(JSON.stringify(document)).digest('base64url').slice(0, 16);
}

/** The client's completed visits after the changed facts, earliest first (salonDate, startsAt, visit id). */
export function nextCompletedVisits(before: readonly FirstVisitRef[], changed: readonly VisitFactDocument[]): FirstVisitRef[] {
  const changedIds = new Set(changed.map((fact) => fact._id));
  const kept = before.filter((ref) => !changedIds.has(ref.visitId));
  const added = changed
    .filter((fact) => fact.status === 'completed')
    .map((fact) => ({ visitId: fact._id, salonId: fact.salonId, salonDate: fact.salonDate, startsAt: asDate(fact.startsAt) }));
  return [...kept.map((ref) => ({ ...ref, startsAt: asDate(ref.startsAt) })), ...added].sort(compareVisits);
}

function compareVisits(a: FirstVisitRef, b: FirstVisitRef): number {
  if (a.salonDate !== b.salonDate) return a.salonDate < b.salonDate ? -1 : 1;
  const time = a.startsAt.getTime() - b.startsAt.getTime();
  if (time !== 0) return time;
  return a.visitId < b.visitId ? -1 : a.visitId > b.visitId ? 1 : 0;
}

function byId(a: { _id: string }, b: { _id: string }): number {
  return a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
}

function asDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

async function bulk<D extends ReadModelDocument>(collection: Collection<D>, writes: AnyBulkWriteOperation<D>[]): Promise<void> {
  if (writes.length > 0) await collection.bulkWrite(writes, { ordered: false });
}
