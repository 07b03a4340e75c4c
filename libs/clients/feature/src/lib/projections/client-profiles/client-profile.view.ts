import { ApiProperty } from '@nestjs/swagger';
import { GENDERS, Gender, NAMELESS_CLIENT_DISPLAY_NAME, PhoneLineType } from '@salon/clients/domain';
import {
  ClientProfileDocument,
  ClientProfileStatus,
  EMPTY_CARD_VISIT_TOTALS,
  NO_VISITS_BY_STATUS,
  CardVisitTotals,
  VisitSummary,
} from './client-profile.document';

const LINE_TYPES: readonly PhoneLineType[] = ['mobile', 'fixed-line', 'fixed-line-or-mobile', 'voip', 'other', 'unknown'];

/*
 * The response shapes of the client card and the client list. Classes (not interfaces) so that
 * OpenAPI can describe them; values are plain objects of these shapes. Empty fields are null
 * rather than missing, so every client reads with the same keys.
 */

export class ClientNamesView {
  @ApiProperty({ type: String, nullable: true })
  firstName!: string | null;

  @ApiProperty({ type: String, nullable: true })
  lastName!: string | null;

  @ApiProperty({ type: String, nullable: true })
  patronymic!: string | null;
}

export class ClientContactsView {
  @ApiProperty({ type: String, nullable: true, example: '+79123456789', description: 'E.164; null once erased.' })
  phone!: string | null;

  @ApiProperty({ enum: LINE_TYPES, nullable: true })
  phoneLineType!: PhoneLineType | null;

  @ApiProperty({ type: Boolean, nullable: true, description: 'False for a landline: no SMS can reach it.' })
  smsCapable!: boolean | null;

  @ApiProperty({ type: String, nullable: true })
  secondPhone!: string | null;

  @ApiProperty({ enum: LINE_TYPES, nullable: true })
  secondPhoneLineType!: PhoneLineType | null;

  @ApiProperty({ type: String, nullable: true })
  email!: string | null;
}

export class ClientDiscountsView {
  @ApiProperty({ minimum: 0, maximum: 100, description: 'Percent off products.' })
  products!: number;

  @ApiProperty({ minimum: 0, maximum: 100, description: 'Percent off services.' })
  services!: number;
}

export class ConsentSummaryView {
  @ApiProperty()
  notifications!: boolean;

  @ApiProperty()
  remindersBySms!: boolean;

  @ApiProperty()
  remindersByEmail!: boolean;

  @ApiProperty({ description: 'Newsletter or marketing SMS allowed, with written consent on record.' })
  marketing!: boolean;
}

export class VisitSummaryView {
  @ApiProperty({ format: 'uuid', description: 'Open it with GET /visits/{visitId} on the visits service.' })
  visitId!: string;

  @ApiProperty({ example: 1042, description: 'The visit number, unique within the chain.' })
  number!: number;

  @ApiProperty({ format: 'date-time', description: 'When the visit starts (UTC).' })
  at!: string;

  @ApiProperty({ example: '2026-11-20', description: "The salon's own date of the visit." })
  salonDate!: string;

  @ApiProperty()
  salonId!: string;

  @ApiProperty({ enum: ['booked', 'confirmed', 'arrived', 'completed', 'cancelled', 'no-show'] })
  status!: string;

  @ApiProperty({ type: [String], example: ['Haircut', 'Colouring'] })
  services!: string[];

  @ApiProperty({ type: [String], example: ['Anna Nowak'] })
  specialists!: string[];

  @ApiProperty({ example: 110, description: 'What the client owes for it (price − discount).' })
  amount!: number;
}

export class VisitCountsByStatusView {
  @ApiProperty() booked!: number;
  @ApiProperty() confirmed!: number;
  @ApiProperty() arrived!: number;
  @ApiProperty() completed!: number;
  @ApiProperty() cancelled!: number;
  @ApiProperty() noShow!: number;
}

/**
 * To spot newcomers, clients who stopped coming and rare guests. Counted: COMPLETED visits only
 * for firstVisitAt, lastVisitAt, visitCount, firstVisit and lastVisit; countsByStatus counts every
 * visit by its current status. Eventually consistent with the visits context.
 */
export class VisitStatisticsView {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Start of the earliest completed visit.' })
  firstVisitAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Start of the latest completed visit.' })
  lastVisitAt!: string | null;

  @ApiProperty({ description: 'Completed visits.' })
  visitCount!: number;

  @ApiProperty({ type: VisitCountsByStatusView, description: 'Every visit by its current status.' })
  countsByStatus!: VisitCountsByStatusView;

  @ApiProperty({ type: VisitSummaryView, nullable: true, description: 'The earliest completed visit.' })
  firstVisit!: VisitSummaryView | null;

  @ApiProperty({ type: VisitSummaryView, nullable: true, description: 'The latest completed visit.' })
  lastVisit!: VisitSummaryView | null;
}

export class ClientProfileView {
  @ApiProperty({ format: 'uuid' })
  clientId!: string;

  @ApiProperty({ example: '3', description: 'The client stream revision the view reflects: the If-Match of the next save.' })
  revision!: string;

  @ApiProperty({ enum: ['active', 'erased'] })
  status!: ClientProfileStatus;

  @ApiProperty({ example: 'Anna Kowalska', description: `"${NAMELESS_CLIENT_DISPLAY_NAME}" without a name; "Archived client N" once erased.` })
  displayName!: string;

  @ApiProperty({ type: ClientNamesView })
  names!: ClientNamesView;

  @ApiProperty({ type: ClientContactsView })
  contacts!: ClientContactsView;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  birthDate!: string | null;

  @ApiProperty({ enum: GENDERS, nullable: true })
  gender!: Gender | null;

  @ApiProperty({ type: String, nullable: true })
  comment!: string | null;

  @ApiProperty({ type: ClientDiscountsView })
  discounts!: ClientDiscountsView;

  @ApiProperty({ type: String, nullable: true, description: "The id of the client's current photo in the media context (null: none)." })
  photoRef!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '/clients/0b7e…/photo',
    description:
      "Where the media service (port 3003) answers a short-lived link to the photo: GET with ?size=256 or ?size=1024 for a rendition, or '/original' appended for the download. Null without a photo.",
  })
  photoRoute!: string | null;

  @ApiProperty({
    description: 'On legal hold (PUT /clients/{id}/legal-hold): retention skips the client and erasure is refused (409 client-on-legal-hold).',
  })
  legalHold!: boolean;

  @ApiProperty({ type: ConsentSummaryView, nullable: true, description: 'Null until the consent context reports.' })
  consent!: ConsentSummaryView | null;

  @ApiProperty({ type: VisitStatisticsView })
  visitStatistics!: VisitStatisticsView;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  registeredAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  updatedAt!: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'N of "Archived client N"; null unless erased.' })
  archivedNumber!: number | null;
}

export class ClientProfilePage {
  @ApiProperty({ type: [ClientProfileView] })
  items!: ClientProfileView[];

  @ApiProperty({ required: false, description: 'Pass as `cursor` for the next page; absent on the last page.' })
  nextCursor?: string;
}

/** The API shape of a stored profile: no tenant, no search keys, dates as ISO strings. */
export function toClientProfileView(document: ClientProfileDocument): ClientProfileView {
  return {
    clientId: document._id,
    revision: String(document.revision),
    status: document.status,
    displayName: document.displayName ?? NAMELESS_CLIENT_DISPLAY_NAME,
    names: {
      firstName: document.firstName ?? null,
      lastName: document.lastName ?? null,
      patronymic: document.patronymic ?? null,
    },
    contacts: {
      phone: document.phone ?? null,
      phoneLineType: document.phoneLineType ?? null,
      smsCapable: document.smsCapable ?? null,
      secondPhone: document.secondPhone ?? null,
      secondPhoneLineType: document.secondPhoneLineType ?? null,
      email: document.email ?? null,
    },
    birthDate: document.birthDate ?? null,
    gender: document.gender ?? null,
    comment: document.comment ?? null,
    discounts: { products: document.discounts?.products ?? 0, services: document.discounts?.services ?? 0 },
    photoRef: document.photoRef ?? null,
    photoRoute: document.photoRef ? `/clients/${document._id}/photo` : null,
    legalHold: document.legalHold === true,
    consent: document.consent ? { ...document.consent } : null,
    visitStatistics: visitStatisticsView(document.visitStatistics ?? EMPTY_CARD_VISIT_TOTALS),
    registeredAt: isoOrNull(document.registeredAt),
    updatedAt: isoOrNull(document.updatedAt),
    archivedNumber: document.archivedNumber ?? null,
  };
}

function visitStatisticsView(statistics: CardVisitTotals): VisitStatisticsView {
  return {
    firstVisitAt: isoOrNull(statistics.firstVisitAt),
    lastVisitAt: isoOrNull(statistics.lastVisitAt),
    visitCount: statistics.visitCount ?? 0,
    countsByStatus: { ...NO_VISITS_BY_STATUS, ...statistics.countsByStatus },
    firstVisit: statistics.firstVisit ? visitSummaryView(statistics.firstVisit) : null,
    lastVisit: statistics.lastVisit ? visitSummaryView(statistics.lastVisit) : null,
  };
}

function visitSummaryView(summary: VisitSummary): VisitSummaryView {
  return {
    visitId: summary.visitId,
    number: summary.number,
    at: isoOrNull(summary.at) ?? '',
    salonDate: summary.salonDate,
    salonId: summary.salonId,
    status: summary.status,
    services: [...summary.services],
    specialists: [...summary.specialists],
    amount: summary.amount,
  };
}

/** Dates come back from MongoDB as Date; a writer that stored ISO text is read the same. */
function isoOrNull(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}
