import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { VISIT_LIMITS } from '@salon/visits/domain';
import { IsMoney, MAX_MONEY } from '../http/money';
import { VisitServiceLineRequest } from '../http/visit-service-line.request.dto';

export class BookVisitRequest {
  @ApiProperty({ format: 'uuid', description: 'A registered, not deleted, not erased client of your chain.' })
  @IsUUID()
  clientId!: string;

  @ApiProperty({ example: 'salon-centre', description: 'The salon of the chain where the visit takes place.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  salonId!: string;

  @ApiProperty({
    example: '2026-11-24T10:00:00+01:00',
    description: "ISO date-time. Write it with the salon's UTC offset: its date part is the visit's day in statistics.",
  })
  @IsISO8601({ strict: true })
  startsAt!: string;

  @ApiProperty({ example: '2026-11-24T11:30:00+01:00', description: 'After startsAt.' })
  @IsISO8601({ strict: true })
  endsAt!: string;

  @ApiProperty({ type: [VisitServiceLineRequest], minItems: 1, maxItems: VISIT_LIMITS.maxServices })
  @IsArray()
  @ArrayMinSize(1, { message: 'a visit needs at least one service' })
  @ArrayMaxSize(VISIT_LIMITS.maxServices)
  @ValidateNested({ each: true })
  @Type(() => VisitServiceLineRequest)
  services!: VisitServiceLineRequest[];

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: MAX_MONEY, description: 'Money off the sum of the service prices, up to 2 decimals.' })
  @IsOptional()
  @IsMoney()
  discount?: number;
}
