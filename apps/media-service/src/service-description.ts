/** How the media-service names and describes itself (logs, its OpenAPI document's title and description). */
export const MEDIA_SERVICE = {
  name: 'media-service',
  description:
    "Client photos: checked and re-encoded uploads, renditions and downloads through short-lived links to the object store, erased with the client.",
} as const;
