import { DynamicModule, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { CursorCodec } from '@salon/shared/crypto';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';
import { EventStoreFollowUp, EventStoreFollowUpOptions, MongoCheckpointStore } from '@salon/shared/messaging';
import { MONGO_CONNECTION, WorkerHost, WorkersModule } from '@salon/shared/nest';
import { ObjectStore } from '@salon/shared/object-store';
import { BuildClientDataPackage } from '../build-client-data-package/build-client-data-package.service';
import { ClientStream } from '../client-stream/client-stream';
import {
  CLIENT_REMOVAL_PREFIXES,
  DATA_EXPORT_FOLLOW_UP_PREFIXES,
  dataPackageExpiry,
  dataPackageJobs,
  dataPackagesOfRemovedClients,
} from '../follow-up/data-export-follow-ups';
import { DownloadClientDataExportController } from '../download-client-data-export/download-client-data-export.http.controller';
import { DownloadClientDataExport } from '../download-client-data-export/download-client-data-export.service';
import { GetClientDataExportController } from '../get-client-data-export/get-client-data-export.http.controller';
import { GetClientDataExport } from '../get-client-data-export/get-client-data-export.service';
import { ClientProfileQueries } from '../projections/client-profiles';
import { RequestClientDataExportController } from '../request-client-data-export/request-client-data-export.http.controller';
import { RequestClientDataExport } from '../request-client-data-export/request-client-data-export.service';
import { DATA_EXPORT_SETTINGS, DataExportSettings } from './client-data-export-settings';
import { DATA_EXPORT_STORE } from './data-export-store';
import { DataExportStream } from './data-export-stream';

/** The package's background work: making requested packages, expiring them, removing them on erasure. */
@Injectable()
class DataExportWorkers implements OnModuleInit {
  constructor(
    private readonly host: WorkerHost,
    @Inject(DATA_EXPORT_SETTINGS) private readonly settings: DataExportSettings,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(MONGO_CONNECTION) private readonly mongo: Connection,
    @Inject(DATA_EXPORT_STORE) private readonly objects: ObjectStore,
    private readonly exports: DataExportStream,
    private readonly build: BuildClientDataPackage,
  ) {}

  onModuleInit(): void {
    const prefix = this.settings.topicPrefix;
    const checkpoints = new MongoCheckpointStore(this.mongo);
    const followUp = (name: string, streamPrefixes: readonly string[], handle: EventStoreFollowUpOptions['handle'], pollIntervalMs?: number) =>
      new EventStoreFollowUp({ name: `${prefix}${name}`, store: this.store, checkpoints, streamPrefixes, handle, ...(pollIntervalMs ? { pollIntervalMs } : {}) });
    this.host.register(followUp('clients.data-package-jobs', DATA_EXPORT_FOLLOW_UP_PREFIXES, dataPackageJobs(this.build)));
    // Due once a day per package: looking once a minute is plenty.
    this.host.register(followUp('clients.data-package-expiry', DATA_EXPORT_FOLLOW_UP_PREFIXES, dataPackageExpiry(this.exports, this.objects), 60_000));
    this.host.register(followUp('clients.data-package-removal', CLIENT_REMOVAL_PREFIXES, dataPackagesOfRemovedClients(this.exports, this.objects)));
  }
}

/**
 * The client's data package (GDPR Art. 15/20): `POST /clients/{id}/data-export`, `GET
 * /clients/{id}/data-export/{requestId}` (status and link), `GET …/package` (the zip), and the workers above. Its own module beside the
 * clients feature, with its own configuration (the bucket, the other services' addresses).
 */
@Module({})
export class ClientDataExportModule {
  static forRoot(settings: DataExportSettings): DynamicModule {
    return {
      module: ClientDataExportModule,
      imports: [WorkersModule],
      controllers: [RequestClientDataExportController, GetClientDataExportController, DownloadClientDataExportController],
      providers: [
        { provide: DATA_EXPORT_SETTINGS, useValue: settings },
        { provide: DATA_EXPORT_STORE, useFactory: () => new ObjectStore({ ...settings.store, storeName: 'the data package store' }) },
        ClientStream,
        DataExportStream,
        {
          provide: ClientProfileQueries,
          inject: [MONGO_CONNECTION, CursorCodec],
          useFactory: (mongo: Connection, cursors: CursorCodec) => new ClientProfileQueries(mongo, cursors),
        },
        RequestClientDataExport,
        GetClientDataExport,
        DownloadClientDataExport,
        BuildClientDataPackage,
        DataExportWorkers,
      ],
      exports: [DATA_EXPORT_STORE],
    };
  }
}
