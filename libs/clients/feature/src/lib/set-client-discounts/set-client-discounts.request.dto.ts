import { ApiProperty } from '@nestjs/swagger';
import { IsNumber, Max, Min } from 'class-validator';
import { MaxDecimalPlaces } from '@salon/shared/nest';

export class SetClientDiscountsRequest {
  @ApiProperty({ minimum: 0, maximum: 100, example: 10, description: 'Percent off products, 0–100, up to 2 decimals.' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(2)
  @Min(0)
  @Max(100)
  productDiscountPercent!: number;

  @ApiProperty({ minimum: 0, maximum: 100, example: 5, description: 'Percent off services, 0–100, up to 2 decimals.' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(2)
  @Min(0)
  @Max(100)
  serviceDiscountPercent!: number;
}
