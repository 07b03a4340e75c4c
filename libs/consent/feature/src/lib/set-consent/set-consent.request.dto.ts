import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { CONSENT_SOURCES, ConsentSource } from '@salon/consent/domain';

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

  @ApiProperty({ example: 'staff-7', description: 'The staff member who collected the signature.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  collectedBy!: string;

  @ApiProperty({ example: 'salon-3', description: 'The salon where it was signed.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
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
