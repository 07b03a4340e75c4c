import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export const REPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export class ClientImportReportRequest {
  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'csv' })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;

  @ApiPropertyOptional({ enum: ['dry-run', 'import'], description: "Which pass to report: the import's once it started, else the dry run's, unless said." })
  @IsOptional()
  @IsIn(['dry-run', 'import'])
  phase?: 'dry-run' | 'import';
}
