import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageRequest } from '@salon/shared/nest';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Query parameters of GET /clients (and the page's `limit` and `cursor`). Every filter is optional and they combine with AND. */
export class SearchClientsRequest extends PageRequest {
  @ApiPropertyOptional({ description: 'Any part of a name; case- and accent-insensitive (Cyrillic and Polish letters too).' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ description: 'A phone number in any format typed (spaces, dashes, national prefix), with at least one digit (only spaces: no filter).', pattern: '^(?:\\s*|[^0-9]*[0-9][\\s\\S]*)$' })
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

  @ApiPropertyOptional({ description: 'Also list erased clients ("Archived client N").', default: false })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  includeArchived?: boolean;
}
