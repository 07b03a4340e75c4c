import { archivedDisplayName } from './display-name';

/**
 * The erasure certificate (GDPR Art. 17, issue 15 §2): what was erased, when, by whom, and in
 * which store each part of it was confirmed. Built from ids, the archived number, timestamps,
 * store names and counts only: an auditor reads it, so it must name nothing of the person, and it
 * can name nothing anyway once the data key is gone.
 *
 * Pure: the clients service gathers the facts (the client's stream, the key store, the read
 * model, the confirmations other contexts published) and signs what this builds.
 */

/** The actor recorded on every event a retention run causes (the events' actorId, the certificate's "by"). */
export const RETENTION_JOB_ACTOR = 'retention-job';

export const ERASURE_CERTIFICATE_KIND = 'salon.erasure-certificate';
export const ERASURE_CERTIFICATE_SCHEMA_VERSION = 1;

/**
 * Where the client's personal data was, each confirmed on its own (docs/erasure.md, the table):
 * - `event-store`: ClientErased recorded and the client's data key destroyed (tombstone in the key
 *   store), so every event of the client, in the store and on Kafka, is ciphertext without a key;
 * - `client-read-model`: the card of the active `client_profiles` version anonymised ("Archived
 *   client N", no personal field) and no card in any superseded version;
 * - `data-packages`: every version of every data package of the client removed from the bucket;
 * - `media`: every photo object version removed (the media context's ClientPhotosErased);
 * - `consent`: the consent record closed (the consent context's ConsentClosed, reason erased),
 *   which also tombstones the compacted consent state.
 */
export const ERASURE_STORES = ['event-store', 'client-read-model', 'data-packages', 'media', 'consent'] as const;
export type ErasureStore = (typeof ERASURE_STORES)[number];

/** Facts about how a store was found: counts, versions, event ids. Never a value of the person. */
export type ErasureEvidence = Readonly<Record<string, string | number | boolean>>;

/** What a store's check found: confirmed at a moment, or not (yet). */
export interface StoreConfirmation {
  readonly store: ErasureStore;
  /** When the store confirmed it (ISO 8601); undefined while it has not. */
  readonly confirmedAt?: string;
  readonly evidence?: ErasureEvidence;
}

/** The erasure as the client's stream recorded it (ClientErased and its metadata). */
export interface RecordedErasure {
  readonly tenantId: string;
  readonly clientId: string;
  /** The id of the ClientErased event. */
  readonly eventId: string;
  readonly archivedNumber: number;
  readonly visitCount: number;
  readonly erasedAt: string;
  /** The token's subject who asked (or RETENTION_JOB_ACTOR). */
  readonly actorId?: string;
  /** The role that allowed it (owner or manager); absent for the retention job and for erasures recorded before roles were. */
  readonly actorRole?: string;
  readonly salonId?: string;
  /** The request's correlation id; for the retention job its run id. */
  readonly correlationId: string;
}

/** Who erased: a member of staff through the API, or the chain's retention policy (its daily or on-demand run). */
export type ErasedBy =
  | { readonly kind: 'staff'; readonly userId: string | null; readonly role: string | null; readonly salonId: string | null }
  | { readonly kind: 'retention-policy'; readonly actorId: string; readonly runId: string };

export interface CertifiedStore {
  readonly store: ErasureStore;
  readonly status: 'confirmed' | 'pending';
  readonly confirmedAt: string | null;
  readonly evidence: ErasureEvidence;
}

/** The signed part of the certificate: only ids, the archived number, timestamps, store names, counts. */
export interface ErasureCertificate {
  readonly kind: typeof ERASURE_CERTIFICATE_KIND;
  readonly schemaVersion: typeof ERASURE_CERTIFICATE_SCHEMA_VERSION;
  readonly tenantId: string;
  readonly clientId: string;
  readonly archivedNumber: number;
  readonly archivedAs: string;
  readonly erasure: {
    readonly eventId: string;
    readonly erasedAt: string;
    readonly by: ErasedBy;
  };
  /** What was kept for statistics, as the product rule says (visits and amounts, under the archived name). */
  readonly kept: { readonly visits: number };
  /** 'complete' once every store confirmed; until then 'pending'. */
  readonly status: 'complete' | 'pending';
  /** The last store's confirmation once complete; null while pending. */
  readonly completedAt: string | null;
  readonly stores: readonly CertifiedStore[];
}

/**
 * The certificate of one erasure. Deterministic: the same facts give the same certificate, so a
 * complete certificate reads the same (and so has the same digest) every time it is asked for.
 * Stores come in ERASURE_STORES order whatever order the confirmations came in; a store with no
 * confirmation given is pending.
 */
export function buildErasureCertificate(erasure: RecordedErasure, confirmations: readonly StoreConfirmation[]): ErasureCertificate {
  const byStore = new Map(confirmations.map((confirmation) => [confirmation.store, confirmation]));
  const stores: CertifiedStore[] = ERASURE_STORES.map((store) => {
    const found = byStore.get(store);
    const confirmedAt = found?.confirmedAt === undefined ? null : normalisedInstant(found.confirmedAt, store);
    return { store, status: confirmedAt === null ? 'pending' : 'confirmed', confirmedAt, evidence: found?.evidence ?? {} };
  });
  const complete = stores.every((store) => store.status === 'confirmed');
  return {
    kind: ERASURE_CERTIFICATE_KIND,
    schemaVersion: ERASURE_CERTIFICATE_SCHEMA_VERSION,
    tenantId: erasure.tenantId,
    clientId: erasure.clientId,
    archivedNumber: erasure.archivedNumber,
    archivedAs: archivedDisplayName(erasure.archivedNumber),
    erasure: { eventId: erasure.eventId, erasedAt: normalisedInstant(erasure.erasedAt, 'erasedAt'), by: erasedBy(erasure) },
    kept: { visits: erasure.visitCount },
    status: complete ? 'complete' : 'pending',
    completedAt: complete ? latest(stores.map((store) => store.confirmedAt as string)) : null,
    stores,
  };
}

/** The retention job erases under its own actor, with its run id as the correlation id. */
export function erasedBy(erasure: Pick<RecordedErasure, 'actorId' | 'actorRole' | 'salonId' | 'correlationId'>): ErasedBy {
  if (erasure.actorId === RETENTION_JOB_ACTOR) return { kind: 'retention-policy', actorId: RETENTION_JOB_ACTOR, runId: erasure.correlationId };
  return { kind: 'staff', userId: erasure.actorId ?? null, role: erasure.actorRole ?? null, salonId: erasure.salonId ?? null };
}

/** ISO 8601 in UTC with milliseconds, one spelling per instant (the digest depends on it). */
function normalisedInstant(text: string, what: string): string {
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new Error(`${what}: not a date-time`);
  return new Date(time).toISOString();
}

function latest(instants: readonly string[]): string {
  return instants.reduce((last, instant) => (instant > last ? instant : last));
}
