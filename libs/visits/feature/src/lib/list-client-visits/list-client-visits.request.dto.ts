import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { VisitStatusV1 } from '@salon/contracts';
import { PageRequest } from '@salon/shared/nest';
import { VISIT_STATUSES } from '../projections/client-visits/client-visit.queries';
import { VISIT_SORTS, VisitSort } from '../projections/client-visits/visit-list-position';

/** `status=a&status=b` or `status=a,b`: always a list. */
const toList = ({ value }: { value: unknown }) =>
  value === undefined ? undefined : (Array.isArray(value) ? value : [value]).flatMap((item) => String(item).split(',')).map((item) => item.trim()).filter((item) => item !== '');

const SALON_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Query parameters of GET /clients/:clientId/visits (and the page's `limit` and `cursor`). Every filter is optional and they combine with AND. */
export class ListClientVisitsRequest extends PageRequest {
  @ApiPropertyOptional({ description: 'A fragment of a specialist or service name (case- and accent-insensitive), or a visit number (digits only, exact).' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: VISIT_STATUSES, isArray: true, description: 'One or more statuses (repeat the parameter or separate with commas).' })
  @IsOptional()
  @Transform(toList)
  @ArrayMinSize(1)
  @ArrayMaxSize(VISIT_STATUSES.length)
  @IsIn(VISIT_STATUSES, { each: true })
  status?: VisitStatusV1[];

  @ApiPropertyOptional({ example: '2025-11-01', description: 'From this salon date, inclusive (YYYY-MM-DD).' })
  @IsOptional()
  @Matches(SALON_DATE)
  from?: string;

  @ApiPropertyOptional({ example: '2025-11-30', description: 'Up to this salon date, inclusive (YYYY-MM-DD).' })
  @IsOptional()
  @Matches(SALON_DATE)
  to?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  salonId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  specialistId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  serviceId?: string;

  @ApiPropertyOptional({ enum: VISIT_SORTS, default: 'date', description: 'date: newest first; dateAsc: oldest first.' })
  @IsOptional()
  @IsIn(VISIT_SORTS)
  sort?: VisitSort;
}

/** Query parameters of GET /visits. */
export class FindVisitByNumberRequest {
  @ApiProperty({ description: 'The visit number (unique within the chain).' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  // Numbers are allocated one by one: any beyond the exact integers is no visit's, and is refused as such.
  @Max(Number.MAX_SAFE_INTEGER)
  number!: number;
}
