import { ApiProperty } from '@nestjs/swagger';
import { RetentionPolicy } from '@salon/clients/domain';

export class RetentionPolicyResponse {
  @ApiProperty({ type: Number, nullable: true, example: 5, description: 'Years without a visit before a client is erased; null: off.' })
  eraseClientsAfterYearsWithoutVisit!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 24, description: 'Months without a visit before the photo is dropped; null: off.' })
  dropPhotosAfterMonthsWithoutVisit!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 3, description: 'Years without a visit (and without a new comment) before the comment is dropped; null: off.' })
  dropCommentsAfterYearsWithoutVisit!: number | null;

  @ApiProperty({ example: '0', description: 'The policy stream revision ("-1": never saved, all off); send it back as If-Match.' })
  revision!: string;

  static of(policy: RetentionPolicy, revision: bigint | undefined): RetentionPolicyResponse {
    return { ...policy, revision: String(revision ?? -1) };
  }
}
