import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn } from 'class-validator';

export class CancelVisitRequest {
  @ApiProperty({ enum: ['client', 'salon'], description: 'Who cancelled.' })
  @IsIn(['client', 'salon'])
  by!: 'client' | 'salon';

  @ApiProperty({ description: "A late cancellation (inside the salon's notice period)." })
  @IsBoolean()
  late!: boolean;
}
