import { ApiProperty } from '@nestjs/swagger';
import { Visit } from '@salon/visits/domain';
import { VisitAmountsView, VisitServiceLineView, VisitSpecialistView } from '../projections/client-visits/client-visit.view';
import { VisitWriteResult } from '../visit-stream/visit-stream';

const STATUSES = ['booked', 'confirmed', 'arrived', 'completed', 'cancelled', 'no-show'];

export class VisitWriteResponse {
  @ApiProperty({ format: 'uuid' })
  visitId!: string;

  @ApiProperty({ example: 1042, description: 'Unique and increasing within the chain; what staff say aloud.' })
  number!: number;

  @ApiProperty({ enum: STATUSES })
  status!: string;

  @ApiProperty({ example: '0', description: 'The visit stream revision after the command; send it back as If-Match.' })
  revision!: string;

  static of(result: VisitWriteResult): VisitWriteResponse {
    return { visitId: result.visitId, number: result.number, status: result.status, revision: String(result.revision ?? -1) };
  }
}

/** A visit as the event store has it now. */
export class VisitDetailsView {
  @ApiProperty({ format: 'uuid' }) visitId!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty() number!: number;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty() salonId!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ example: '2026-11-22', description: "The salon's own date of the start." }) salonDate!: string;
  @ApiProperty({ type: [VisitServiceLineView] }) services!: VisitServiceLineView[];
  @ApiProperty({ type: [VisitSpecialistView] }) specialists!: VisitSpecialistView[];
  @ApiProperty({ type: VisitAmountsView }) amounts!: VisitAmountsView;
  @ApiProperty({ description: 'The revision; also the ETag header.' }) revision!: string;

  static of(visit: Visit, revision: bigint | undefined): VisitDetailsView {
    return {
      visitId: visit.visitId,
      clientId: visit.clientId,
      number: visit.number,
      status: visit.status,
      salonId: visit.salonId,
      startsAt: visit.startsAt,
      endsAt: visit.endsAt,
      salonDate: visit.salonDate,
      services: visit.services.map((line) => ({ ...line })),
      specialists: visit.specialists.map((specialist) => ({ ...specialist })),
      amounts: { ...visit.amounts },
      revision: String(revision ?? -1),
    };
  }
}
