import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { DATA_PACKAGE_LANGUAGES, DataPackageLanguage } from '@salon/clients/domain';

export class RequestClientDataExportRequest {
  @ApiProperty({
    required: false,
    enum: DATA_PACKAGE_LANGUAGES,
    example: 'pl',
    description: "README.html's language (the Art. 15 information). Left out: the deployment's DATA_EXPORT_LANGUAGE, else its country's.",
  })
  @IsOptional()
  @IsIn(DATA_PACKAGE_LANGUAGES)
  language?: DataPackageLanguage;
}
