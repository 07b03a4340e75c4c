import type { IndexDescription } from 'mongodb';
import type { Connection } from 'mongoose';
import type { Gender, PhoneLineType } from '@salon/clients/domain';
import type { ReadModelDocument } from '@salon/shared/messaging';
import type { LedgeredVisit } from '../client-visit-ledger/card-visit-totals';

/** The logical read-model collection; the physical one is versioned (`client_profiles_v1`, ...). */
export const CLIENT_PROFILES_COLLECTION = 'client_profiles';

/** 'deleted' is a tombstone the API never shows; 'erased' is shown as "Archived client N". */
export type ClientProfileStatus = 'active' | 'deleted' | 'erased';

/** What the consent context will write here (null until it does). */
export interface ConsentSummary {
  readonly notifications: boolean;
  readonly remindersBySms: boolean;
  readonly remindersByEmail: boolean;
  /** Any marketing channel (newsletter or marketing SMS) allowed: what the client list filters on. */
  readonly marketing: boolean;
}

/** A short account of one visit, from the visits context's events. No personal data. */
export interface VisitSummary {
  readonly visitId: string;
  /** The visit number, unique within the chain. */
  readonly number: number;
  /** When it starts (UTC) and the salon's own date of it. */
  readonly at: Date | string;
  readonly salonDate: string;
  readonly salonId: string;
  readonly status: string;
  readonly services: readonly string[];
  readonly specialists: readonly string[];
  /** What the client owes for it (price − discount), in the chain's currency. */
  readonly amount: number;
}

/** How many of the client's visits are in each status now. */
export interface VisitCountsByStatus {
  readonly booked: number;
  readonly confirmed: number;
  readonly arrived: number;
  readonly completed: number;
  readonly cancelled: number;
  readonly noShow: number;
}

/**
 * The card's visit totals (the card's field `visitStatistics`; not the
 * BI visit statistics of the visits service). First visit, last visit and visitCount
 * count COMPLETED visits only (a cancelled, no-show or future visit is not a visit that
 * happened); countsByStatus counts every visit by its current status beside them.
 */
export interface CardVisitTotals {
  readonly firstVisitAt: Date | null;
  readonly lastVisitAt: Date | null;
  readonly visitCount: number;
  readonly countsByStatus: VisitCountsByStatus;
  readonly firstVisit: VisitSummary | null;
  readonly lastVisit: VisitSummary | null;
}

export const NO_VISITS_BY_STATUS: VisitCountsByStatus = { booked: 0, confirmed: 0, arrived: 0, completed: 0, cancelled: 0, noShow: 0 };

export const EMPTY_CARD_VISIT_TOTALS: CardVisitTotals = {
  firstVisitAt: null,
  lastVisitAt: null,
  visitCount: 0,
  countsByStatus: NO_VISITS_BY_STATUS,
  firstVisit: null,
  lastVisit: null,
};

/** Normalised keys the search matches on; never shown. Removed with the personal data. */
export interface ClientSearchKeys {
  /** searchableText of the names in several orders, so "Kowalska Anna" and "Anna Kowalska" both match. */
  readonly name: readonly string[];
  /**
   * nameSearchKeys of the names: every fragment (up to 12 characters) of every word, which a name
   * search looks up by equality, on the index `tenant_nameKeys_sortName_id`. Empty without names.
   * Absent only on cards written before the keys existed (see ClientProfileQueries).
   */
  readonly nameKeys?: readonly string[];
  /** phoneSearchKeys of both phones. */
  readonly phones: readonly string[];
  /** Lower-cased. */
  readonly email?: string;
}

/** One client per document, `_id` = client id. Absent fields are empty (never stored as null). */
export interface ClientProfileDocument extends ReadModelDocument {
  _id: string;
  tenantId: string;
  /** The client stream revision last applied (the revision guard). */
  revision: number;
  status: ClientProfileStatus;
  displayName?: string;
  /** searchableText of the display name: the name sort, which collation-less servers need. */
  sortName?: string;
  firstName?: string;
  lastName?: string;
  patronymic?: string;
  phone?: string;
  phoneLineType?: PhoneLineType;
  smsCapable?: boolean;
  secondPhone?: string;
  secondPhoneLineType?: PhoneLineType;
  email?: string;
  birthDate?: string;
  gender?: Gender;
  comment?: string;
  discounts?: { products: number; services: number };
  photoRef?: string;
  /** Set by a legal hold (true) and its lifting (false); absent on cards that never had one. */
  legalHold?: boolean;
  consent?: ConsentSummary | null;
  /** The consent stream revision last applied. */
  consentRevision?: number;
  /** What the card keeps of each of the client's visits, by visit id: what visitStatistics is computed from. */
  visits?: Record<string, LedgeredVisit>;
  /** The revision of each visit stream last applied, by visit id. */
  visitRevisions?: Record<string, number>;
  visitStatistics?: CardVisitTotals;
  /** The compare-and-set field of a document fed by several streams (see DOCUMENT_VERSION_FIELD). */
  documentVersion?: number;
  registeredAt?: Date;
  updatedAt?: Date;
  deletedAt?: Date;
  erasedAt?: Date;
  archivedNumber?: number;
  search?: ClientSearchKeys;
}

/** Fields that say something about the person: removed on deletion and on erasure. */
export const PERSONAL_DOCUMENT_FIELDS = [
  'firstName',
  'lastName',
  'patronymic',
  'phone',
  'secondPhone',
  'email',
  'birthDate',
  'gender',
  'comment',
  'photoRef',
] as const satisfies readonly (keyof ClientProfileDocument)[];

/** Facts about the phones: not personal by themselves, but meaningless once the phones are gone. */
export const PHONE_FACT_FIELDS = ['phoneLineType', 'smsCapable', 'secondPhoneLineType'] as const satisfies readonly (keyof ClientProfileDocument)[];

/**
 * The indexes the queries of ClientProfileQueries use. Every query names the tenant.
 * `_id` closes the sort indexes because it is the keyset tie-breaker, so a page is read from the
 * index in order without an in-memory sort.
 */
export const CLIENT_PROFILE_INDEXES: readonly IndexDescription[] = [
  // The card by id, within its chain (unique since `_id` is): the local server uses an index only
  // for a filter naming exactly its keys.
  { name: '_id_tenant', key: { _id: 1, tenantId: 1 }, unique: true },
  { name: 'tenant_sortName_id', key: { tenantId: 1, sortName: 1, _id: 1 } },
  { name: 'tenant_lastVisit_id', key: { tenantId: 1, 'visitStatistics.lastVisitAt': -1, _id: 1 } },
  { name: 'tenant_phones', key: { tenantId: 1, 'search.phones': 1 } },
  { name: 'tenant_email', key: { tenantId: 1, 'search.email': 1 } },
  // A name search: equality on one name key (multikey), then the page in name order from the
  // index itself, so a query reads about as many entries as it returns whatever the chain's size.
  // A MongoDB server uses it; the local mongo-java-server builds no non-unique index and scans.
  { name: 'tenant_nameKeys_sortName_id', key: { tenantId: 1, 'search.nameKeys': 1, sortName: 1, _id: 1 } },
];

/**
 * Creates the indexes on a physical collection: the active one, or a rebuild's target before it
 * is switched in. Idempotent.
 */
export async function ensureClientProfileIndexes(mongo: Connection, physicalCollection: string): Promise<void> {
  await mongo.collection<ClientProfileDocument>(physicalCollection).createIndexes([...CLIENT_PROFILE_INDEXES]);
}
