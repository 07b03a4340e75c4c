import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, Min, ValidateNested } from 'class-validator';
import { CLIENT_COLUMN_KEYS, ClientColumnKey } from '@salon/clients/domain';

export class ColumnAssignmentRequest {
  @ApiProperty({ description: 'The column of the file, 0-based.', example: 0 })
  @IsInt()
  @Min(0)
  column!: number;

  @ApiProperty({ enum: CLIENT_COLUMN_KEYS, example: 'phone' })
  @IsIn(CLIENT_COLUMN_KEYS)
  field!: ClientColumnKey;
}

export class ChangeImportMappingRequest {
  @ApiProperty({
    type: [ColumnAssignmentRequest],
    description: 'Every column to read, with its field; a column left out is ignored. The phone must be mapped; no field twice.',
  })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ColumnAssignmentRequest)
  mapping!: ColumnAssignmentRequest[];
}
