/** MinIO's out-of-the-box credentials (deploy/local/local.env uses them): anyone knows them. */
const PUBLISHED_MINIO_SECRETS = ['minioadmin'];

/** What a production start refuses of the object store's settings, each naming its variable, never its value. */
export function mediaStorageRefusals(config: { readonly MINIO_SECRET_KEY: string; readonly MINIO_ENDPOINT: string }): string[] {
  const refusals: string[] = [];
  if (PUBLISHED_MINIO_SECRETS.includes(config.MINIO_SECRET_KEY)) refusals.push("MINIO_SECRET_KEY: is a development value published in this repository (MinIO's default)");
  else if (config.MINIO_SECRET_KEY.length < 32) refusals.push('MINIO_SECRET_KEY: must be at least 32 characters in production');
  return refusals;
}
