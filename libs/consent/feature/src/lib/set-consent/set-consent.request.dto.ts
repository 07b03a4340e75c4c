import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { CONSENT_SOURCES, ConsentSource } from '@salon/consent/domain';
import { AUDIT_ID_PATTERN, AUDIT_ID_RULE } from '@salon/shared/nest';

/** The record of the client's written consent to marketing (required to switch marketing ON). */
export class MarketingEvidenceRequest {
  @ApiPropertyOptional({ example: 'FORM-2025-000123', description: 'Archive id of the signed form (never the client name). This or consentTextVersion.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  documentRef?: string;

  @ApiPropertyOptional({ example: 'marketing-v3', description: 'The version of the consent text signed. This or documentRef.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  consentTextVersion?: string;

  @ApiProperty({ example: '2025-06-15T09:45:00Z', description: 'When the client signed: ISO-8601 with a zone, not in the future.' })
  @IsString()
  @IsNotEmpty()
  signedAt!: string;

  // Both are kept in the consent's events for years and never shredded: ids only, never a name.
  @ApiProperty({
    example: 'staff-7',
    pattern: AUDIT_ID_PATTERN.source,
    description: 'The staff id of who collected the signature (what the desk says; the event also records the authenticated user).',
  })
  @IsString()
  @Matches(AUDIT_ID_PATTERN, { message: `collectedBy ${AUDIT_ID_RULE}` })
  collectedBy!: string;

  @ApiProperty({
    example: 'salon-3',
    pattern: AUDIT_ID_PATTERN.source,
    description: 'The salon where it was signed: for staff bound to some salons, one of theirs (403 salon-not-yours otherwise).',
  })
  @IsString()
  @Matches(AUDIT_ID_PATTERN, { message: `salonId ${AUDIT_ID_RULE}` })
  salonId!: string;
}

export class SetConsentRequest {
  @ApiProperty({ description: 'true switches the permission ON, false OFF (withdrawing is always possible).' })
  @IsBoolean()
  granted!: boolean;

  @ApiProperty({ enum: CONSENT_SOURCES, description: 'Through what the change came.' })
  @IsIn(CONSENT_SOURCES)
  source!: ConsentSource;

  @ApiPropertyOptional({ type: MarketingEvidenceRequest, description: 'Required to switch newsletter or marketingSms ON.' })
  @IsOptional()
  // ValidateNested alone takes an array and validates its items: the evidence is one object.
  @IsObject()
  @ValidateNested()
  @Type(() => MarketingEvidenceRequest)
  evidence?: MarketingEvidenceRequest;
}
