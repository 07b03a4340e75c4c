import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, ValidateNested } from 'class-validator';
import { VISIT_LIMITS } from '@salon/visits/domain';
import { IsMoney, MAX_MONEY } from '../http/money';
import { VisitServiceLineRequest } from '../http/visit-service-line.request.dto';

/** The whole new list of services (an explicit save, not a field-by-field stream). */
export class ChangeVisitServicesRequest {
  @ApiProperty({ type: [VisitServiceLineRequest], minItems: 1, maxItems: VISIT_LIMITS.maxServices })
  @IsArray()
  @ArrayMinSize(1, { message: 'a visit needs at least one service' })
  @ArrayMaxSize(VISIT_LIMITS.maxServices)
  @ValidateNested({ each: true })
  @Type(() => VisitServiceLineRequest)
  services!: VisitServiceLineRequest[];

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: MAX_MONEY })
  @IsOptional()
  @IsMoney()
  discount?: number;
}
