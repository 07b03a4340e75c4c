import type { IndexDescription } from 'mongodb';
import type { Connection } from 'mongoose';
import type { VisitAmountsV1, VisitServiceLineV1, VisitSpecialistV1, VisitStatusV1 } from '@salon/contracts';
import type { ReadModelDocument } from '@salon/shared/messaging';

/** The logical read-model collection; the physical one is versioned (`client_visits_v1`, ...). */
export const CLIENT_VISITS_COLLECTION = 'client_visits';

/** Normalised keys (see searchKey) the `q` search matches on; never shown. */
export interface ClientVisitSearchKeys {
  /** Every specialist of the visit (the visit's list and the service lines'). */
  readonly specialists: readonly string[];
  readonly services: readonly string[];
}

/** One visit per document, `_id` = visit id: the visit as its last applied event left it. */
export interface ClientVisitDocument extends ReadModelDocument {
  _id: string;
  tenantId: string;
  clientId: string;
  /** The visit stream revision last applied (the revision guard). */
  revision: number;
  number: number;
  status: VisitStatusV1;
  startsAt: Date;
  endsAt: Date;
  /** YYYY-MM-DD, the salon's local day: compared as a string. */
  salonDate: string;
  salonId: string;
  services: readonly VisitServiceLineV1[];
  serviceCount: number;
  specialists: readonly VisitSpecialistV1[];
  amounts: VisitAmountsV1;
  bookedAt: Date;
  updatedAt: Date;
  search: ClientVisitSearchKeys;
}

/**
 * The indexes ClientVisitQueries uses; every query starts with the tenant. The list is read in
 * `startsAt` order with `_id` as the keyset tie-breaker, so both close the list index.
 */
export const CLIENT_VISIT_INDEXES: readonly IndexDescription[] = [
  { name: 'tenant_client_startsAt_id', key: { tenantId: 1, clientId: 1, startsAt: -1, _id: -1 } },
  { name: 'tenant_number', key: { tenantId: 1, number: 1 } },
];

/** Creates the indexes on a physical collection (the active one or a rebuild's target). Idempotent. */
export async function ensureClientVisitIndexes(mongo: Connection, physicalCollection: string): Promise<void> {
  await mongo.collection<ClientVisitDocument>(physicalCollection).createIndexes([...CLIENT_VISIT_INDEXES]);
}
