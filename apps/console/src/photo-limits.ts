/** The manual's limits of a client's photo (the media service checks them again, and the bytes themselves). */
export const PHOTO_MAX_BYTES = 15 * 1024 * 1024;
export const PHOTO_EXTENSIONS = ['jpeg', 'jpg', 'png', 'webp', 'heic', 'svg'] as const;
