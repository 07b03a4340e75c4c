import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class UploadClientImportRequest {
  @ApiPropertyOptional({
    example: 'klienci.xlsx',
    description: 'The file name, only for its extension, which must agree with the content. Not stored.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @Matches(/\.(csv|txt|xlsx|ods)$/i, { message: 'must end in .csv, .txt, .xlsx or .ods' })
  fileName?: string;
}
