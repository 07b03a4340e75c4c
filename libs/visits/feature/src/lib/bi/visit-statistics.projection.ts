import { createHash } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import { TOPICS } from '@salon/contracts';
import { IncomingMessage, Projection, ReadModelCollections, ReadModelDocument, ReadModelWrite, WriteBatch, guardedUpsert } from '@salon/shared/messaging';
import { VisitMessage, latestPerVisit } from '../visit-list/client-visits.projection';
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
 * `apply` writes one fact per visit (`bi_visit_facts`, guardedUpsert on the visit stream
 * revision), remembering every salon-day the visit was on since the last refresh. `refresh` then
 *  1. files each changed visit under its current salon-day (`bi_salon_day_visits`) and removes
 *     it from the days it left;
 *  2. recomputes each affected client's first completed visit (`bi_client_first_visits`) and
 *     marks the client as "first" on that salon-day only;
 *  3. recomputes every affected salon-day's documents (`bi_salon_daily`, `bi_specialist_daily`,
 *     `bi_service_daily`) from its salon-day document alone: a pure function, so redelivery,
 *     replays and rebuilds give identical documents; a day left without visits loses them; only
 *     documents whose digest changed are written;
 *  4. prunes the facts' day lists to their current day.
 * Every step reads and writes by `_id` only (no collection scans) and is safe to repeat: a batch
 * interrupted anywhere is redone by its redelivery.
 */
export function createVisitStatisticsProjection(): Projection {
  const apply = (messages: readonly IncomingMessage[]) => {
    const batch = new WriteBatch();
    for (const message of latestPerVisit(messages)) batch.add(BI_COLLECTIONS.visitFacts, visitFactWrite(message));
    return batch.toWrites();
  };
  return {
    name: VISIT_STATISTICS_PROJECTION,
    topics: [TOPICS.visitEvents.name],
    collections: Object.values(BI_COLLECTIONS),
    apply,
    refresh: (messages, collections) => refreshStatistics(messages, collections),
  };
}

/** The fact's guarded upsert, adding the current salon-day to the days to refresh. */
export function visitFactWrite(message: VisitMessage): ReadModelWrite {
  const { visit } = message.data;
  const upsert = guardedUpsert(visit.visitId, message.streamRevision, { $set: factFields(message.tenantId, visit) }) as {
    updateOne: { filter: Document; update: Document; upsert: boolean };
  };
  return {
    updateOne: {
      ...upsert.updateOne,
      update: { ...upsert.updateOne.update, $addToSet: { days: salonDayKey(message.tenantId, visit.salonId, visit.salonDate) } },
    },
  } as ReadModelWrite;
}

async function refreshStatistics(messages: readonly IncomingMessage[], collections: ReadModelCollections): Promise<void> {
  const visitIds = latestPerVisit(messages).map((message) => message.data.visit.visitId);
  if (visitIds.length === 0) return;
  const [facts, dayVisits, clientFirsts, salonDaily, specialistDaily, serviceDaily] = await Promise.all([
    collections.collection<VisitFactDocument>(BI_COLLECTIONS.visitFacts),
    collections.collection<SalonDayVisitsDocument>(BI_COLLECTIONS.salonDayVisits),
    collections.collection<ClientFirstVisitDocument>(BI_COLLECTIONS.clientFirstVisits),
    collections.collection<SalonDailyDocument>(BI_COLLECTIONS.salonDaily),
    collections.collection<ReadModelDocument>(BI_COLLECTIONS.specialistDaily),
    collections.collection<ReadModelDocument>(BI_COLLECTIONS.serviceDaily),
  ]);

  const changed = (await facts.find({ _id: { $in: visitIds } }).toArray()).sort(byId);
  const touched = new Set<string>();
  const dayWrites: AnyBulkWriteOperation<SalonDayVisitsDocument>[] = [];

  // 1. Each visit under its current salon-day only.
  for (const fact of changed) {
    const current = salonDayKey(fact.tenantId, fact.salonId, fact.salonDate);
    touched.add(current);
    dayWrites.push({
      updateOne: {
        filter: { _id: current },
        update: { $set: { tenantId: fact.tenantId, salonId: fact.salonId, salonDate: fact.salonDate, [`visits.${fieldKey(fact._id)}`]: dayEntryOf(fact) } },
        upsert: true,
      },
    });
    for (const day of fact.days ?? []) {
      if (day === current) continue;
      touched.add(day);
      dayWrites.push({ updateOne: { filter: { _id: day }, update: { $unset: { [`visits.${fieldKey(fact._id)}`]: '' } } } });
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
      dayWrites.push({ updateOne: { filter: { _id: oldDay }, update: { $unset: { [`firstClients.${fieldKey(clientId)}`]: '' } } } });
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
      dayWrites.push({
        updateOne: {
          filter: { _id: newDay },
          update: { $set: { tenantId, salonId: first.salonId, salonDate: first.salonDate, [`firstClients.${fieldKey(clientId)}`]: clientId } },
          upsert: true,
        },
      });
      clientWrites.push({ replaceOne: { filter: { _id: key }, replacement: document, upsert: true } });
    } else if (old) {
      clientWrites.push({ deleteOne: { filter: { _id: key } } });
    }
  }
  // Days first, clients second: if interrupted in between, the redelivery still sees the old first visit.
  if (dayWrites.length > 0) await dayVisits.bulkWrite(dayWrites, { ordered: true });
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

  // 4. The facts' day lists back to their current day (unless a newer revision came meanwhile).
  const prunes: AnyBulkWriteOperation<VisitFactDocument>[] = changed
    .filter((fact) => !(fact.days?.length === 1 && fact.days[0] === salonDayKey(fact.tenantId, fact.salonId, fact.salonDate)))
    .map((fact) => ({
      updateOne: { filter: { _id: fact._id, revision: fact.revision }, update: { $set: { days: [salonDayKey(fact.tenantId, fact.salonId, fact.salonDate)] } } },
    }));
  if (prunes.length > 0) await facts.bulkWrite(prunes, { ordered: false });
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
