import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { LEGAL_HOLD_REASONS, LegalHoldReason, MAX_LEGAL_HOLD_REFERENCE_LENGTH } from '@salon/clients/domain';

export class PlaceLegalHoldRequest {
  @ApiProperty({ enum: LEGAL_HOLD_REASONS, example: 'litigation', description: 'Why the data must be kept (GDPR Art. 17(3)(e)): a code, never free text.' })
  @IsIn(LEGAL_HOLD_REASONS)
  reason!: LegalHoldReason;

  @ApiProperty({
    required: false,
    maxLength: MAX_LEGAL_HOLD_REFERENCE_LENGTH,
    example: 'CASE-2025-0173',
    description:
      'The case or file number. Treated as personal data (a reference may name the person): stored encrypted with the client\'s key, never shown on the card, never logged.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_LEGAL_HOLD_REFERENCE_LENGTH)
  reference?: string;
}
