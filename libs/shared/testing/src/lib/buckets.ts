import { Client } from 'minio';
import { minio } from './server-addresses';

/** Removes a test's bucket with every object, version and delete marker in it (nothing when it is not there). */
export async function removeBucket(bucket: string): Promise<void> {
  const client = new Client(minio());
  if (!(await client.bucketExists(bucket))) return;
  const entries: { name: string; versionId?: string }[] = [];
  for await (const item of client.listObjects(bucket, '', true, { IncludeVersion: true }) as AsyncIterable<{ name?: string; versionId?: string }>) {
    if (item.name) entries.push({ name: item.name, ...(item.versionId ? { versionId: item.versionId } : {}) });
  }
  for (let start = 0; start < entries.length; start += 1000) await client.removeObjects(bucket, entries.slice(start, start + 1000));
  await client.removeBucket(bucket);
}
