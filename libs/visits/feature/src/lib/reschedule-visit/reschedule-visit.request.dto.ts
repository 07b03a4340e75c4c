import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601 } from 'class-validator';

export class RescheduleVisitRequest {
  @ApiProperty({ example: '2026-11-25T10:00:00+01:00', description: "ISO date-time with the salon's UTC offset." })
  @IsISO8601({ strict: true })
  startsAt!: string;

  @ApiProperty({ example: '2026-11-25T11:30:00+01:00', description: 'After startsAt.' })
  @IsISO8601({ strict: true })
  endsAt!: string;
}
