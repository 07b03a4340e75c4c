import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CLIENT_COLUMN_KEYS,
  ClientColumnKey,
  ClientImportJob,
  ClientImportStatus,
  EXISTING_CLIENTS_POLICIES,
  ExistingClientsPolicy,
  ImportCounts,
  ImportFileFormat,
} from '@salon/clients/domain';

export class ColumnAssignmentView {
  @ApiProperty({ description: 'The column of the file, 0-based.', example: 0 })
  column!: number;

  @ApiProperty({ enum: CLIENT_COLUMN_KEYS, example: 'phone' })
  field!: ClientColumnKey;
}

export class UnknownColumnView {
  @ApiProperty({ example: 3 })
  column!: number;

  @ApiProperty({ description: 'The header as the file has it.', example: 'Ulubiony kolor' })
  header!: string;
}

export class ImportProgressView {
  @ApiProperty() rowsDone!: number;
  @ApiProperty() rowsTotal!: number;
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() skipped!: number;
  @ApiProperty() refused!: number;
}

export class ImportCountsView {
  @ApiProperty() rowsDone!: number;
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() skipped!: number;
  @ApiProperty() refused!: number;
}

export class ClientImportView {
  @ApiProperty({ format: 'uuid' })
  jobId!: string;

  @ApiProperty({ enum: ['uploaded', 'dry-run-running', 'dry-run-completed', 'running', 'completed', 'cancelled', 'failed'] })
  status!: ClientImportStatus;

  @ApiProperty({ enum: ['csv', 'xlsx', 'ods'] })
  format!: ImportFileFormat;

  @ApiProperty({ type: [String], description: 'The header row as the file has it.' })
  headers!: string[];

  @ApiProperty({ type: [ColumnAssignmentView] })
  mapping!: ColumnAssignmentView[];

  @ApiProperty({ type: [UnknownColumnView], description: 'Columns no field reads: ignored.' })
  unknownColumns!: UnknownColumnView[];

  @ApiProperty({ description: 'Data rows (without the header row).' })
  rowsTotal!: number;

  @ApiPropertyOptional({ enum: EXISTING_CLIENTS_POLICIES })
  existingClients?: ExistingClientsPolicy;

  @ApiProperty({ type: ImportProgressView, description: 'Of the import once started, else of the dry run; read while it runs.' })
  progress!: ImportProgressView;

  @ApiPropertyOptional({ type: ImportCountsView, description: 'The result of the last completed dry run.' })
  dryRun?: ImportCountsView;

  @ApiPropertyOptional({ description: 'Why the job failed (a fault of the file, never a cell of it).' })
  failure?: { code: string; reason: string };

  @ApiProperty({ description: 'Whether the uploaded file was removed (finished, cancelled or abandoned jobs).' })
  fileRemoved!: boolean;

  @ApiProperty({ format: 'date-time', description: 'When the file of an abandoned job is removed.' })
  fileExpiresAt!: string;

  static of(job: ClientImportJob, progress: ImportCounts): ClientImportView {
    return {
      jobId: job.jobId,
      status: job.status,
      format: job.format,
      headers: [...job.headers],
      mapping: job.mapping.map(({ column, field }) => ({ column, field })),
      unknownColumns: job.unknownColumns.map(({ column, header }) => ({ column, header })),
      rowsTotal: job.rowsTotal,
      ...(job.existingClients ? { existingClients: job.existingClients } : {}),
      progress: { ...progress, rowsTotal: job.rowsTotal },
      ...(job.dryRun ? { dryRun: { ...job.dryRun } } : {}),
      ...(job.failure ? { failure: { ...job.failure } } : {}),
      fileRemoved: job.fileRemoved,
      fileExpiresAt: job.fileExpiresAt,
    };
  }
}
