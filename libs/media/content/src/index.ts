export { MAX_PHOTO_BYTES, MAX_PHOTO_PIXELS, RENDITION_SIZES } from './lib/photo-content';
export type { PhotoFormat, PhotoInput, PhotoRendition, PreparedPhoto, RenditionSize } from './lib/photo-content';
export { PhotoContentRefused } from './lib/photo-content-refused';
export type { PhotoRefusalCode } from './lib/photo-content-refused';
export { preparePhoto } from './lib/prepare-photo';
