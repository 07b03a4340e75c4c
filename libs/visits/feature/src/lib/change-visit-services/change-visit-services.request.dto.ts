import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsNumber, IsOptional, Min, ValidateNested } from 'class-validator';
import { VisitServiceLineRequest } from '../http/visit-service-line.request.dto';

/** The whole new list of services (an explicit save, not a field-by-field stream). */
export class ChangeVisitServicesRequest {
  @ApiProperty({ type: [VisitServiceLineRequest], minItems: 1 })
  @IsArray()
  @ArrayMinSize(1, { message: 'a visit needs at least one service' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => VisitServiceLineRequest)
  services!: VisitServiceLineRequest[];

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0)
  discount?: number;
}
