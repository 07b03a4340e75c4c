import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min, ValidateIf } from 'class-validator';
import { RETENTION_BOUNDS } from '@salon/clients/domain';

const { eraseClientsAfterYearsWithoutVisit: erase, dropPhotosAfterMonthsWithoutVisit: photos, dropCommentsAfterYearsWithoutVisit: comments } = RETENTION_BOUNDS;

/** The whole policy: a category left out or null is off. */
export class SetRetentionPolicyRequest {
  @ApiProperty({
    type: Number,
    nullable: true,
    required: false,
    minimum: erase.min,
    maximum: erase.max,
    example: 5,
    description: 'Erase (GDPR anonymisation, "Archived client N") a client with no visit for this many years; a client who never came counts from registration. Null or absent: off.',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(erase.min)
  @Max(erase.max)
  eraseClientsAfterYearsWithoutVisit?: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    required: false,
    minimum: photos.min,
    maximum: photos.max,
    example: 24,
    description: "Drop the client's photo after this many months without a visit, counted from the later of the last visit, the registration and the photo's upload. Null or absent: off.",
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(photos.min)
  @Max(photos.max)
  dropPhotosAfterMonthsWithoutVisit?: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    required: false,
    minimum: comments.min,
    maximum: comments.max,
    example: 3,
    description: 'Drop the free-text comment after this many years without a visit, counted from the later of the last visit, the registration and when the comment was last written. Null or absent: off.',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(comments.min)
  @Max(comments.max)
  dropCommentsAfterYearsWithoutVisit?: number | null;
}
