import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { CONSENT_SOURCES, ConsentSource } from '@salon/consent/domain';

export class WithdrawAllMarketingRequest {
  @ApiProperty({ enum: CONSENT_SOURCES, description: 'Through what the withdrawal came.' })
  @IsIn(CONSENT_SOURCES)
  source!: ConsentSource;
}
