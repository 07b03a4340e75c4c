import { DynamicModule, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { TOPICS } from '@salon/contracts';
import { ServiceTokenIssuer } from '@salon/shared/auth';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';
import { EventRelay, EventStoreFollowUp, MessagingClient, MongoCheckpointStore } from '@salon/shared/messaging';
import { KAFKA, MONGO_CONNECTION, ReadinessRegistry, WorkerHost, WorkersModule, relayWorker } from '@salon/shared/nest';
import { CLIENT_PHOTO_REFERENCES, HttpClientPhotoReferences } from './client-photo-references/client-photo-references';
import { PhotoReferenceSync } from './client-photo-references/photo-reference-sync';
import { ClientPhotosStream } from './client-photos/client-photos-stream';
import { EraseClientPhotos } from './erase-client-photos/erase-client-photos.service';
import { photoObjectsFollowUp } from './follow-up/photo-objects-follow-up';
import { GetClientPhotoController } from './get-client-photo/get-client-photo.http.controller';
import { GetClientPhoto } from './get-client-photo/get-client-photo.query';
import { MEDIA_SETTINGS, MediaSettings } from './media-settings';
import { PhotoStorage } from './photo-storage/photo-storage';
import { MediaClientEventsPolicy } from './policies/client-events-policy';
import { CLIENT_PHOTOS_STREAM_PREFIXES, clientPhotosEventCodec, mediaMessages } from './relay/photo-integration-events';
import { RemoveClientPhotoController } from './remove-client-photo/remove-client-photo.http.controller';
import { RemoveClientPhoto } from './remove-client-photo/remove-client-photo.service';
import { UploadClientPhotoController } from './upload-client-photo/upload-client-photo.http.controller';
import { UploadClientPhoto } from './upload-client-photo/upload-client-photo.service';
import { ExportClientPhotosController } from './export-client-photos/export-client-photos.http.controller';
import { ExportClientPhotos } from './export-client-photos/export-client-photos.query';

/**
 * Starts the media context's background work with the service: the relay that publishes photo
 * events, and the policy that erases a client's photos. Readiness includes the object store:
 * the bucket is created (with its versioning) on the first check that reaches it, so the service
 * starts while MinIO is down and becomes ready once it is up.
 */
@Injectable()
class MediaWorkers implements OnModuleInit {
  private bucketReady: Promise<void> | undefined;

  constructor(
    private readonly host: WorkerHost,
    private readonly readiness: ReadinessRegistry,
    @Inject(MEDIA_SETTINGS) private readonly settings: MediaSettings,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KAFKA) private readonly kafka: MessagingClient,
    @Inject(MONGO_CONNECTION) private readonly mongo: Connection,
    private readonly storage: PhotoStorage,
    private readonly eraseClientPhotos: EraseClientPhotos,
  ) {}

  onModuleInit(): void {
    this.readiness.register('objectStore', async () => {
      this.bucketReady ??= this.storage.ensureBucket().catch((error) => {
        this.bucketReady = undefined;
        throw error;
      });
      await this.bucketReady;
      await this.storage.check();
    });
    const prefix = this.settings.topicPrefix;
    const producer = this.kafka.producer();
    const relay = new EventRelay({
      name: `${prefix}media-relay`,
      store: this.store,
      streamPrefixes: CLIENT_PHOTOS_STREAM_PREFIXES,
      toMessages: mediaMessages(clientPhotosEventCodec(), prefix + TOPICS.photoEvents.name),
      producer,
      checkpoints: new MongoCheckpointStore(this.mongo),
    });
    this.host.register(relayWorker(relay, producer));
    this.host.register(new MediaClientEventsPolicy(this.kafka, this.eraseClientPhotos, prefix));
    // The object removals after a replacement, a removal or an erasure, finished from the media
    // stream whatever crashed between the append and the removal.
    this.host.register(
      new EventStoreFollowUp({
        name: `${prefix}media.photo-objects-follow-up`,
        store: this.store,
        checkpoints: new MongoCheckpointStore(this.mongo),
        streamPrefixes: CLIENT_PHOTOS_STREAM_PREFIXES,
        handle: photoObjectsFollowUp(this.storage, clientPhotosEventCodec()),
      }),
    );
  }
}

/** One service per use case: the controllers and the policy call these, nothing in between. */
const USE_CASES = [UploadClientPhoto, GetClientPhoto, RemoveClientPhoto, EraseClientPhotos, ExportClientPhotos];

@Module({})
export class MediaFeatureModule {
  static forRoot(settings: MediaSettings): DynamicModule {
    return {
      module: MediaFeatureModule,
      imports: [WorkersModule],
      controllers: [UploadClientPhotoController, GetClientPhotoController, RemoveClientPhotoController, ExportClientPhotosController],
      providers: [
        { provide: MEDIA_SETTINGS, useValue: settings },
        { provide: PhotoStorage, useFactory: () => new PhotoStorage(settings.storage) },
        {
          provide: CLIENT_PHOTO_REFERENCES,
          useFactory: () => new HttpClientPhotoReferences(settings.clientsServiceUrl, new ServiceTokenIssuer(settings.serviceTokenSecret, 'media-service')),
        },
        ClientPhotosStream,
        PhotoReferenceSync,
        ...USE_CASES,
        MediaWorkers,
      ],
      exports: [...USE_CASES, PhotoStorage],
    };
  }
}
