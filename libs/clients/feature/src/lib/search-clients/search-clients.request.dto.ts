import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MAX_CURSOR_LENGTH } from '@salon/shared/crypto';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Query parameters of GET /clients. Every filter is optional and they combine with AND. */
export class SearchClientsRequest {
  @ApiPropertyOptional({ description: 'Any part of a name; case- and accent-insensitive (Cyrillic and Polish letters too).' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ description: 'A phone number in any format typed (spaces, dashes, national prefix).' })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(64)
  phone?: string;

  @ApiPropertyOptional({ description: 'The exact e-mail address, any case.' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ description: 'Only clients with (true) or without (false) an e-mail.' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  hasEmail?: boolean;

  @ApiPropertyOptional({ description: 'Only clients who gave (true) or did not give (false) marketing consent.' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  marketingConsent?: boolean;

  @ApiPropertyOptional({ description: 'Registered at or after (ISO 8601).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  createdFrom?: string;

  @ApiPropertyOptional({ description: 'Registered before (ISO 8601).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  createdTo?: string;

  @ApiPropertyOptional({ enum: ['name', 'lastVisit'], default: 'name' })
  @IsOptional()
  @IsIn(['name', 'lastVisit'])
  sort?: 'name' | 'lastVisit';

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  // The codec's own bound: a sealed cursor is longer than its position, and one this API issued must pass.
  @MaxLength(MAX_CURSOR_LENGTH)
  cursor?: string;

  @ApiPropertyOptional({ description: 'Also list erased clients ("Archived client N").', default: false })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  includeArchived?: boolean;
}
