import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsString, Max, MaxLength, Min } from 'class-validator';
import { VISIT_LIMITS } from '@salon/visits/domain';
import { IsMoney, MAX_MONEY } from './money';

/** A service takes at most a day. */
const MAX_DURATION_MINUTES = VISIT_LIMITS.maxServiceMinutes;

/** One service of a visit, as the salon's price list and staff list name it. */
export class VisitServiceLineRequest {
  @ApiProperty({ example: 'svc-haircut', description: "The service's id in the salon's price list." })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  serviceId!: string;

  @ApiProperty({ example: 'Haircut', description: 'Shown in the visit list and searched for.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 45.5, minimum: 0, maximum: MAX_MONEY, description: "The service's price, up to 2 decimals." })
  @IsMoney()
  price!: number;

  @ApiProperty({ example: 45, minimum: 1, maximum: MAX_DURATION_MINUTES, description: 'Minutes.' })
  @IsInt()
  @Min(1)
  @Max(MAX_DURATION_MINUTES)
  durationMinutes!: number;

  @ApiProperty({ example: 'staff-anna' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  specialistId!: string;

  @ApiProperty({ example: 'Anna Kowalska', description: 'Shown in the visit list and searched for.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  specialistName!: string;
}
