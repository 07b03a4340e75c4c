import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, IsEmail } from 'class-validator';
import { GENDERS, Gender, MAX_COMMENT_LENGTH, MAX_NAME_LENGTH } from '@salon/clients/domain';

/**
 * The profile form, as the front desk saves it. The edge checks shapes; the domain checks the
 * rules (a real phone number, a birth date in the past, ...), and both answer 400 naming the field.
 */
export class ClientProfileRequest {
  @ApiProperty({ example: '+48 601 234 567', description: 'Mandatory. Any format; national numbers use the chain country.' })
  @IsString()
  @MaxLength(64)
  phone!: string;

  @ApiPropertyOptional({ example: '22 123 45 67' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  secondPhone?: string;

  @ApiPropertyOptional({ example: 'anna.nowak@example.com' })
  @IsOptional()
  @IsEmail({ require_tld: true }, { message: 'must be an e-mail address with a domain, e.g. name@example.com' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: 'Anna' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NAME_LENGTH)
  firstName?: string;

  @ApiPropertyOptional({ example: 'Nowak' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NAME_LENGTH)
  lastName?: string;

  @ApiPropertyOptional({ example: 'Ivanovna' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NAME_LENGTH)
  patronymic?: string;

  @ApiPropertyOptional({ example: '1990-04-12', description: 'YYYY-MM-DD, a real date in the past.' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date written YYYY-MM-DD' })
  birthDate?: string;

  @ApiPropertyOptional({ enum: GENDERS })
  @IsOptional()
  @IsIn(GENDERS)
  gender?: Gender;

  @ApiPropertyOptional({ description: `Preferences and notes, at most ${MAX_COMMENT_LENGTH} characters.` })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_COMMENT_LENGTH)
  comment?: string;

  @ApiPropertyOptional({
    default: false,
    description: 'The phone is shared with another client of the chain (e.g. a family) and that is intended.',
  })
  @IsOptional()
  @IsBoolean()
  allowSharedPhone?: boolean;
}
