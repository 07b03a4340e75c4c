import { createHash } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import { TOPICS } from '@salon/contracts';
import { Evolved, IncomingMessage, Projection, ReadModelCollections, ReadModelDocument } from '@salon/shared/messaging';
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
 *     `bi_service_daily`) from its salon-day document alone: a pure function, so redelivery,
 *     replays and rebuilds give identical documents; a day left without visits loses them; only
 *     documents whose digest changed are written.
 * Every step reads and writes by `_id` only (no collection scans), one write per document per
 * batch, and is safe to repeat.
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

  const changed = [...facts].sort(byId);
  const touched = new Set<string>();
  const dayWrites = new DayChanges();

  // 1. Each visit under its current salon-day only.
  for (const fact of changed) {
    const current = salonDayKey(fact.tenantId, fact.salonId, fact.salonDate);
    touched.add(current);
    dayWrites.set(current, fact, `visits.${fieldKey(fact._id)}`, dayEntryOf(fact));
    for (const day of fact.days ?? []) {
      if (day === current) continue;
      touched.add(day);
      dayWrites.unset(day, `visits.${fieldKey(fact._id)}`);
    }
  }

  // 2. The first completed visit of each affected client (one partition holds all of a client's
  // visits, so a client is never refreshed by two runners of the group at once).
  const byClient = new Map<string, VisitFactDocument[]>();
  for (const fact of changed) {
    const key = clientKey(fact.tenantId, fact.clientId);
    byClient.set(key, [...(byClient.get(key) ?? []), fact]);
  }
  const previous = new Map((await clientFirsts.find({ _id: { $in: [...byClient.keys()] } }).toArray()).map((doc) => [doc._id, doc]));
  const clientWrites: AnyBulkWriteOperation<ClientFirstVisitDocument>[] = [];
  for (const [key, clientFacts] of byClient) {
    const { tenantId, clientId } = clientFacts[0];
    const old = previous.get(key);
    const completed = nextCompletedVisits(old?.completedVisits ?? [], clientFacts);
    const first = completed[0];
    const oldDay = old ? salonDayKey(tenantId, old.firstSalonId, old.firstVisitDate) : undefined;
    const newDay = first ? salonDayKey(tenantId, first.salonId, first.salonDate) : undefined;
    if (oldDay !== undefined && oldDay !== newDay) {
      touched.add(oldDay);
      dayWrites.unset(oldDay, `firstClients.${fieldKey(clientId)}`);
    }
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
      touched.add(newDay);
      dayWrites.set(newDay, { tenantId, salonId: first.salonId, salonDate: first.salonDate }, `firstClients.${fieldKey(clientId)}`, clientId);
      clientWrites.push({ replaceOne: { filter: { _id: key }, replacement: document, upsert: true } });
    } else if (old) {
      clientWrites.push({ deleteOne: { filter: { _id: key } } });
    }
  }
  // Days first, clients second: if interrupted in between, the redelivery still sees the old first visit.
  // One update per day, so their order does not matter.
  const dayOperations = dayWrites.operations();
  if (dayOperations.length > 0) await dayVisits.bulkWrite(dayOperations, { ordered: false });
  if (clientWrites.length > 0) await clientFirsts.bulkWrite(clientWrites, { ordered: false });

  // 3. Every affected salon-day, recomputed from its salon-day document; documents whose digest
  // did not change are not rewritten (after a crash the digests are older than the documents,
  // so the redelivery rewrites them).
  const dayIds = [...touched].sort();
  const days = new Map((await dayVisits.find({ _id: { $in: dayIds } }).toArray()).map((day) => [day._id, day]));
  const salonWrites: AnyBulkWriteOperation<SalonDailyDocument>[] = [];
  const specialistWrites: AnyBulkWriteOperation<ReadModelDocument>[] = [];
  const serviceWrites: AnyBulkWriteOperation<ReadModelDocument>[] = [];
  const digestWrites: AnyBulkWriteOperation<SalonDayVisitsDocument>[] = [];
  const emptyDays: string[] = [];
  for (const dayId of dayIds) {
    const day = days.get(dayId);
    const statistics = day ? computeDailyStatistics(day) : undefined;
    const before = day?.written;
    const salon = statistics ? digestOf(statistics.salon) : undefined;
    if (salon !== before?.salon) {
      salonWrites.push(
        statistics ? { replaceOne: { filter: { _id: dayId }, replacement: statistics.salon, upsert: true } } : { deleteOne: { filter: { _id: dayId } } },
      );
    }
    const specialists = changedDocuments(statistics?.specialists ?? [], (doc) => doc.specialistId, before?.specialists ?? [], dayId, specialistWrites);
    const services = changedDocuments(statistics?.services ?? [], (doc) => doc.serviceId, before?.services ?? [], dayId, serviceWrites);
    if (!statistics && day && Object.keys(day.firstClients ?? {}).length === 0) emptyDays.push(dayId);
    const written: WrittenDigests = { ...(salon ? { salon } : {}), specialists, services };
    if (day && JSON.stringify(written) !== JSON.stringify(before)) digestWrites.push({ updateOne: { filter: { _id: dayId }, update: { $set: { written } } } });
  }
  await Promise.all([
    salonWrites.length > 0 ? salonDaily.bulkWrite(salonWrites, { ordered: false }) : undefined,
    bulk(specialistDaily, specialistWrites),
    bulk(serviceDaily, serviceWrites),
  ]);
  if (digestWrites.length > 0) await dayVisits.bulkWrite(digestWrites, { ordered: false });
  // A salon-day left with neither visits nor first clients goes (only if still empty).
  if (emptyDays.length > 0) {
    const empty = (field: string) => ({ $or: [{ [field]: {} }, { [field]: { $exists: false } }] });
    await dayVisits.deleteMany({ $and: [{ _id: { $in: emptyDays } }, empty('visits'), empty('firstClients')] } as Document);
  }

}

/**
 * The changes of a batch to the salon-day documents, one update per day: a day's entries set
 * (the day created if needed) and removed. A field is never both set and removed for one day
 * (a visit is removed only from days other than its current one).
 */
class DayChanges {
  private readonly days = new Map<string, { day: Pick<SalonDayVisitsDocument, 'tenantId' | 'salonId' | 'salonDate'> | undefined; set: Document; unset: Document }>();

  set(dayId: string, day: Pick<SalonDayVisitsDocument, 'tenantId' | 'salonId' | 'salonDate'>, field: string, value: unknown): void {
    const changes = this.changesOf(dayId);
    changes.day = { tenantId: day.tenantId, salonId: day.salonId, salonDate: day.salonDate };
    changes.set[field] = value;
  }

  unset(dayId: string, field: string): void {
    this.changesOf(dayId).unset[field] = '';
  }

  operations(): AnyBulkWriteOperation<SalonDayVisitsDocument>[] {
    return [...this.days].map(([dayId, { day, set, unset }]) => ({
      updateOne: {
        filter: { _id: dayId },
        update: { ...(day ? { $set: { ...day, ...set } } : {}), ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) },
        // Only a day something is filed under is created; removing from a day that is gone is nothing.
        upsert: day !== undefined,
      },
    }));
  }

  private changesOf(dayId: string) {
    let changes = this.days.get(dayId);
    if (!changes) this.days.set(dayId, (changes = { day: undefined, set: {}, unset: {} }));
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
  dayId: string,
  writes: AnyBulkWriteOperation<ReadModelDocument>[],
): [string, string][] {
  const previous = new Map(before);
  const digests: [string, string][] = [];
  for (const document of documents) {
    const id = idOf(document);
    const digest = digestOf(document);
    digests.push([id, digest]);
    if (previous.get(id) !== digest) writes.push({ replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true } });
    previous.delete(id);
  }
  for (const id of previous.keys()) writes.push({ deleteOne: { filter: { _id: `${dayId}|${id}` } } });
  return digests;
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

async function bulk(collection: Collection<ReadModelDocument>, writes: AnyBulkWriteOperation<ReadModelDocument>[]): Promise<void> {
  if (writes.length > 0) await collection.bulkWrite(writes, { ordered: false });
}
