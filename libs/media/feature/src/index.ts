export * from './lib/media-feature.module';
export * from './lib/media-settings';
export * from './lib/relay/photo-integration-events';
export { PhotoStorage } from './lib/photo-storage/photo-storage';
export type { ObjectVersion } from './lib/photo-storage/photo-storage';
export { UploadClientPhoto } from './lib/upload-client-photo/upload-client-photo.service';
export { EraseClientPhotos } from './lib/erase-client-photos/erase-client-photos.service';
export { ClientPhotosStream } from './lib/client-photos/client-photos-stream';
