import { ApiProperty } from '@nestjs/swagger';
import type { VisitStatusV1 } from '@salon/contracts';
import { ClientVisitDocument } from './client-visit.document';

const STATUSES: readonly VisitStatusV1[] = ['booked', 'confirmed', 'arrived', 'completed', 'cancelled', 'no-show'];

/* Response shapes of the visit list. Classes so that OpenAPI can describe them; values are plain objects. */

export class VisitServiceLineView {
  @ApiProperty() serviceId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'In the chain currency, at most two decimals.' }) price!: number;
  @ApiProperty() durationMinutes!: number;
  @ApiProperty() specialistId!: string;
  @ApiProperty() specialistName!: string;
}

export class VisitSpecialistView {
  @ApiProperty() specialistId!: string;
  @ApiProperty() specialistName!: string;
}

export class VisitAmountsView {
  @ApiProperty({ description: 'Sum of the service prices.' }) price!: number;
  @ApiProperty() discount!: number;
  @ApiProperty({ description: 'price − discount.' }) total!: number;
  @ApiProperty() paid!: number;
}

export class VisitListItemView {
  @ApiProperty() visitId!: string;
  @ApiProperty({ description: 'Unique within the chain.' }) number!: number;
  @ApiProperty({ enum: STATUSES }) status!: VisitStatusV1;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ example: '2025-11-20', description: "The salon's local date of the start." }) salonDate!: string;
  @ApiProperty() salonId!: string;
  @ApiProperty() serviceCount!: number;
  @ApiProperty({ type: [VisitServiceLineView] }) services!: VisitServiceLineView[];
  @ApiProperty({ type: [VisitSpecialistView] }) specialists!: VisitSpecialistView[];
  @ApiProperty({ type: VisitAmountsView }) amounts!: VisitAmountsView;
}

export class VisitListPage {
  @ApiProperty({ type: [VisitListItemView] }) items!: VisitListItemView[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page.' })
  nextCursor!: string | null;
}

export class VisitByNumberView extends VisitListItemView {
  @ApiProperty() clientId!: string;
  @ApiProperty({ format: 'date-time' }) bookedAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export function toVisitListItemView(document: ClientVisitDocument): VisitListItemView {
  return {
    visitId: document._id,
    number: document.number,
    status: document.status,
    startsAt: isoOf(document.startsAt),
    endsAt: isoOf(document.endsAt),
    salonDate: document.salonDate,
    salonId: document.salonId,
    serviceCount: document.serviceCount,
    services: document.services.map((line) => ({
      serviceId: line.serviceId,
      name: line.name,
      price: line.price,
      durationMinutes: line.durationMinutes,
      specialistId: line.specialistId,
      specialistName: line.specialistName,
    })),
    specialists: document.specialists.map((s) => ({ specialistId: s.specialistId, specialistName: s.specialistName })),
    amounts: { price: document.amounts.price, discount: document.amounts.discount, total: document.amounts.total, paid: document.amounts.paid },
  };
}

export function toVisitByNumberView(document: ClientVisitDocument): VisitByNumberView {
  return { ...toVisitListItemView(document), clientId: document.clientId, bookedAt: isoOf(document.bookedAt), updatedAt: isoOf(document.updatedAt) };
}

function isoOf(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
