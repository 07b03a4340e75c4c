import { Injectable, OnModuleInit, Provider } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { MONGO_CONNECTION, WorkerHost } from '@salon/shared/nest';
import { CancelClientImportController } from './cancel-client-import/cancel-client-import.http.controller';
import { CancelClientImport } from './cancel-client-import/cancel-client-import.service';
import { ChangeImportMappingController } from './change-import-mapping/change-import-mapping.http.controller';
import { ChangeImportMapping } from './change-import-mapping/change-import-mapping.service';
import { ClientImportJobs } from './client-import-jobs';
import { ClientImportReportController } from './client-import-report/client-import-report.http.controller';
import { ClientImportReport } from './client-import-report/client-import-report.query';
import { ClientImportRowProcessor } from './client-import-row-processor';
import { ClientImportRows } from './client-import-rows';
import { ClientImportRunner } from './client-import-runner';
import { CLIENT_IMPORT_SETTINGS, ClientImportSettings } from './client-import-settings';
import { DryRunClientImportController } from './dry-run-client-import/dry-run-client-import.http.controller';
import { DryRunClientImport } from './dry-run-client-import/dry-run-client-import.service';
import { GetClientImportController } from './get-client-import/get-client-import.http.controller';
import { GetClientImport } from './get-client-import/get-client-import.query';
import { ImportFileStore } from './import-file-store';
import { RunClientImportController } from './run-client-import/run-client-import.http.controller';
import { RunClientImport } from './run-client-import/run-client-import.service';
import { UploadClientImportController } from './upload-client-import/upload-client-import.http.controller';
import { UploadClientImport } from './upload-client-import/upload-client-import.service';

export const CLIENT_IMPORT_CONTROLLERS = [
  UploadClientImportController,
  ChangeImportMappingController,
  DryRunClientImportController,
  RunClientImportController,
  CancelClientImportController,
  ClientImportReportController,
  GetClientImportController,
];

/** Registers the import runner with the service's workers: it starts (and resumes jobs) with them. */
@Injectable()
class ClientImportWorkers implements OnModuleInit {
  constructor(
    private readonly host: WorkerHost,
    private readonly runner: ClientImportRunner,
  ) {}

  onModuleInit(): void {
    this.host.register(this.runner);
  }
}

export function clientImportProviders(settings: ClientImportSettings): Provider[] {
  return [
    { provide: CLIENT_IMPORT_SETTINGS, useValue: settings },
    { provide: ImportFileStore, useFactory: () => new ImportFileStore(settings) },
    { provide: ClientImportRows, inject: [MONGO_CONNECTION], useFactory: (mongo: Connection) => new ClientImportRows(mongo) },
    ClientImportJobs,
    ClientImportRowProcessor,
    ClientImportRunner,
    UploadClientImport,
    ChangeImportMapping,
    DryRunClientImport,
    RunClientImport,
    CancelClientImport,
    GetClientImport,
    ClientImportReport,
    ClientImportWorkers,
  ];
}
