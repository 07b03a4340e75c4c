import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { INestApplication } from '@nestjs/common';
import sharp from 'sharp';
import request from 'supertest';
import { ALL_TOPICS, HEADERS, TOPICS } from '@salon/contracts';
import { MAX_PHOTO_BYTES } from '@salon/media/content';
import { clientPrefix, photoPrefix } from '@salon/media/domain';
import { ClientPhotosStream, PhotoStorage } from '@salon/media/feature';
import { Role, signDevelopmentToken } from '@salon/shared/auth';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { RunningService, TEST_JWT_SECRET, cleanUpServiceEnvironment, eventually, kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { photo } from './test/images';
import { mediaEnvironment, removeBucket, startClientsService, startMediaApp } from './test/media-test-kit';

/**
 * The client's photo end to end, against the real MinIO, Kafka, MongoDB-wire server and the real
 * clients service (its own process): upload → checked and re-encoded → stored with renditions →
 * the reference set on the client's stream → served by presigned links; replaced, removed, and
 * erased with the client (every object version under the client's prefix).
 */
describe('media-service', () => {
  const prefix = `${uniqueName('t')}.`;
  const storageEnv = mediaEnvironment();
  const env = serviceEnvironment(uniqueName('media-api'), { KAFKA_TOPIC_PREFIX: prefix, ...storageEnv });
  const kafka = createMessagingClient({ clientId: 'media-api-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let clients: RunningService;
  let media: INestApplication;
  let http: ReturnType<typeof request>;
  let storage: PhotoStorage;

  const as = (roles: Role[] = ['receptionist'], tenantId = tenant) =>
    signDevelopmentToken(TEST_JWT_SECRET, { tenantId, roles, userId: 'desk-1' }).then((token) => `Bearer ${token}`);

  async function registeredClient(phone: string): Promise<string> {
    const response = await fetch(`${clients.url}/clients`, {
      method: 'POST',
      headers: { authorization: await as(['owner']), 'content-type': 'application/json' },
      body: JSON.stringify({ phone, firstName: 'Ada' }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { clientId: string }).clientId;
  }

  const card = async (clientId: string) =>
    (await fetch(`${clients.url}/clients/${clientId}`, { headers: { authorization: await as() } }).then((response) => response.json())) as Record<string, unknown>;

  /** The front desk's token (a receptionist of the home chain). */
  let desk: string;
  const upload = (clientId: string, bytes: Buffer, contentType: string, headers: Record<string, string> = {}) => {
    let call = http.put(`/clients/${clientId}/photo`).set('Authorization', desk).set('Content-Type', contentType);
    for (const [name, value] of Object.entries(headers)) call = call.set(name, value);
    return call.send(bytes);
  };

  const keysUnder = async (keyPrefix: string) => (await storage.versionsUnder(keyPrefix)).map((version) => version.key.slice(keyPrefix.length)).sort();

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    clients = await startClientsService(env);
    media = await startMediaApp({ ...env, CLIENTS_SERVICE_URL: clients.url });
    http = request(media.getHttpServer());
    storage = media.get(PhotoStorage);
    desk = await as();
    // Readiness creates the bucket (versioned) on its first check.
    await eventually(async () => ((await http.get('/health/ready')).status === 200 ? true : undefined), 'the media service to be ready');
  }, 120_000);

  afterAll(async () => {
    await media?.close();
    await clients?.stop();
    await removeBucket(storageEnv.MEDIA_BUCKET);
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
  });

  it('is ready when the object store is, beside the event store, MongoDB, Kafka and its workers', async () => {
    const response = await http.get('/health/ready').expect(200);
    expect(response.body.checks).toMatchObject({
      objectStore: { ok: true },
      eventStore: { ok: true },
      mongo: { ok: true },
      kafka: { ok: true },
      [`worker:${prefix}media-relay`]: { ok: true },
      [`worker:${prefix}media.client-events-policy`]: { ok: true },
      [`worker:${prefix}media.photo-objects-follow-up`]: { ok: true },
    });
  });

  it.each([
    ['jpeg', 'image/jpeg', 'jpg', '+48601200001'],
    ['png', 'image/png', 'png', '+48601200002'],
    ['webp', 'image/webp', 'webp', '+48601200003'],
  ] as const)('stores a %s re-encoded with its renditions, served through short-lived links', async (format, contentType, extension, phone) => {
    const clientId = await registeredClient(phone);
    const sent = await photo(format, 1600, 1200);
    const response = await upload(clientId, sent, contentType, { 'Content-Disposition': `attachment; filename="me.${extension}"` }).expect(200);
    expect(response.body).toMatchObject({ clientId, format, sizes: [256, 1024], width: 1600, height: 1200 });
    const { photoId } = response.body as { photoId: string };

    // Keys of ids only: the photo's prefix holds the original and the two renditions.
    const stored = await keysUnder(photoPrefix(tenant, clientId, photoId));
    expect(stored).toEqual(['1024.webp', '256.webp', expect.stringMatching(/^original\.[a-z]+$/)]);

    for (const size of [256, 1024]) {
      const link = await http.get(`/clients/${clientId}/photo`).query({ size }).set('Authorization', await as()).expect(200);
      expect(link.body).toMatchObject({ clientId, photoId, contentType: 'image/webp', size });
      const image = await fetch(link.body.url);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/webp');
      const metadata = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
      expect(metadata).toMatchObject({ format: 'webp', width: size });
    }

    // The original (re-encoded by the content checks, whose own tests prove what that strips), downloadable only as an attachment.
    const original = await http.get(`/clients/${clientId}/photo/original`).set('Authorization', await as()).expect(200);
    const download = await fetch(original.body.url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="photo-[0-9a-f-]+\.[a-z]+"$/);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    const downloaded = Buffer.from(await download.arrayBuffer());
    expect(downloaded.length).toBe(Number(response.body.byteLength));
    expect((await sharp(downloaded).metadata()).width).toBe(1600);

    // The card shows the photo reference (projected from the client's stream) and where the links are.
    const shown = await eventually(async () => {
      const view = await card(clientId);
      return view.photoRef === photoId ? view : undefined;
    }, 'the card to show the photo reference');
    expect(shown.photoRoute).toBe(`/clients/${clientId}/photo`);
  });

  it('stores a real HEVC .heic re-encoded, with its renditions', async () => {
    const clientId = await registeredClient('+48601200004');
    const heic = readFileSync(join(__dirname, '../../../libs/media/content/src/test/fixtures/photo-480x320.heic'));
    const response = await upload(clientId, heic, 'image/heic', { 'Content-Disposition': 'attachment; filename="IMG_0001.HEIC"' }).expect(200);
    expect(response.body).toMatchObject({ format: 'heic', width: 480, height: 320 });
    const link = await http.get(`/clients/${clientId}/photo`).query({ size: 256 }).set('Authorization', desk).expect(200);
    const rendition = Buffer.from(await (await fetch(link.body.url)).arrayBuffer());
    expect(await sharp(rendition).metadata()).toMatchObject({ format: 'webp', width: 256 });
    const original = await http.get(`/clients/${clientId}/photo/original`).set('Authorization', desk).expect(200);
    const stored = Buffer.from(await (await fetch(original.body.url)).arrayBuffer());
    expect((await sharp(stored).metadata()).format).not.toBe('heif');
  });

  it('stores an SVG sanitised (no script, handler, external image or @import) and serves it as an attachment only', async () => {
    const clientId = await registeredClient('+48601200005');
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="300" height="200" onload="alert(1)">' +
        '<style>@import url(https://evil.example/x.css);</style><script>alert(2)</script>' +
        '<image href="https://evil.example/track.png" width="10" height="10"/>' +
        '<rect width="300" height="200" fill="#3a7"/></svg>',
    );
    const response = await upload(clientId, svg, 'image/svg+xml', { 'Content-Disposition': 'attachment; filename="logo.svg"' }).expect(200);
    expect(response.body.format).toBe('svg');
    const original = await http.get(`/clients/${clientId}/photo/original`).set('Authorization', desk).expect(200);
    expect(original.body.contentType).toBe('image/svg+xml');
    const download = await fetch(original.body.url);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
    const stored = await download.text();
    expect(stored).toContain('<rect');
    expect(stored).not.toMatch(/script|onload|alert|@import|evil\.example/i);
    const link = await http.get(`/clients/${clientId}/photo`).query({ size: 1024 }).set('Authorization', desk).expect(200);
    expect((await sharp(Buffer.from(await (await fetch(link.body.url)).arrayBuffer())).metadata()).format).toBe('webp');
  });

  it('stores a JPEG carrying GPS EXIF without any metadata', async () => {
    const clientId = await registeredClient('+48601200006');
    const withGps = await sharp(await photo('jpeg', 800, 600))
      .withExif({ IFD0: { Make: 'PhoneMaker' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 13/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '21/1 0/1 0/1' } })
      .jpeg()
      .toBuffer();
    expect((await sharp(withGps).metadata()).exif).toBeDefined();
    await upload(clientId, withGps, 'image/jpeg').expect(200);
    const original = await http.get(`/clients/${clientId}/photo/original`).set('Authorization', desk).expect(200);
    const stored = Buffer.from(await (await fetch(original.body.url)).arrayBuffer());
    expect((await sharp(stored).metadata()).exif).toBeUndefined();
    expect(stored.includes(Buffer.from('PhoneMaker'))).toBe(false);
  });

  it('keeps one current photo: replacing it removes every object of the previous one', async () => {
    const clientId = await registeredClient('+48601200011');
    const first = (await upload(clientId, await photo('png', 400, 300), 'image/png').expect(200)).body.photoId as string;
    const second = (await upload(clientId, await photo('jpeg', 500, 400), 'image/jpeg').expect(200)).body.photoId as string;
    expect(second).not.toBe(first);
    // No version, no delete marker of the first photo is left; only the second one's objects.
    expect(await storage.versionsUnder(photoPrefix(tenant, clientId, first))).toEqual([]);
    expect((await keysUnder(clientPrefix(tenant, clientId))).every((key) => key.startsWith(`photo/${second}/`))).toBe(true);
    const link = await http.get(`/clients/${clientId}/photo`).set('Authorization', await as()).expect(200);
    expect(link.body.photoId).toBe(second);
    await eventually(async () => ((await card(clientId)).photoRef === second ? true : undefined), 'the card to show the second photo');
  });

  it.each([1, 2, 3, 4, 5])('leaves the card and the media stream naming the same single photo after uploads and a removal at once (%i)', async (round) => {
    const clientId = await registeredClient(`+4860120003${round}`);
    const [a, b, c] = await Promise.all([photo('jpeg', 300, 200), photo('png', 300, 200), photo('webp', 300, 200)]);
    const answers = await Promise.all([
      upload(clientId, a, 'image/jpeg'),
      upload(clientId, b, 'image/png'),
      http.delete(`/clients/${clientId}/photo`).set('Authorization', desk),
      upload(clientId, c, 'image/webp'),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 204, 200]);
    const current = await http.get(`/clients/${clientId}/photo`).set('Authorization', desk);
    const photoId = current.status === 200 ? (current.body.photoId as string) : null;
    await eventually(async () => ((await card(clientId)).photoRef === photoId ? true : undefined), 'the card to name the current photo');
    // Only the current photo's objects are left (the others' removed inline or by the follow-up).
    await eventually(async () => {
      const keys = await keysUnder(clientPrefix(tenant, clientId));
      return keys.every((key) => photoId !== null && key.startsWith(`photo/${photoId}/`)) ? true : undefined;
    }, 'only the current photo to be stored');
  });

  it('finishes the removal of a replaced photo from the media stream when the upload stopped right after its append', async () => {
    const clientId = await registeredClient('+48601200021');
    const first = (await upload(clientId, await photo('png', 320, 240), 'image/png').expect(200)).body.photoId as string;
    // What an upload that crashed after recording its photo leaves: the new photo current, the old one's objects still there.
    const next = randomUUID();
    await storage.put([{ key: `${photoPrefix(tenant, clientId, next)}256.webp`, bytes: Buffer.from('x'), contentType: 'image/webp' }]);
    const metadata = { tenantId: tenant, correlationId: randomUUID(), causationId: randomUUID(), now: new Date() };
    const original = { contentType: 'image/png', extension: 'png' };
    expect((await storage.versionsUnder(photoPrefix(tenant, clientId, first))).length).toBeGreaterThan(0);
    await media.get(ClientPhotosStream).record(clientId, { type: 'RecordStoredPhoto', data: { clientId, photoId: next, format: 'png', sizes: [256], byteLength: 1, original }, metadata });
    await eventually(async () => ((await storage.versionsUnder(photoPrefix(tenant, clientId, first))).length === 0 ? true : undefined), "the follow-up to remove the replaced photo's objects");
    expect(await keysUnder(photoPrefix(tenant, clientId, next))).toEqual(['256.webp']);
  });

  it('records a retried upload (same Idempotency-Key) once', async () => {
    const clientId = await registeredClient('+48601200012');
    const bytes = await photo('webp', 300, 300);
    const headers = { 'Idempotency-Key': `upload-${clientId}` };
    const first = await upload(clientId, bytes, 'image/webp', headers).expect(200);
    const again = await upload(clientId, bytes, 'image/webp', headers).expect(200);
    expect(again.body.photoId).toBe(first.body.photoId);
    expect((await keysUnder(clientPrefix(tenant, clientId))).filter((key) => key.endsWith('256.webp'))).toHaveLength(2); // one key, two versions
    expect(new Set((await storage.versionsUnder(clientPrefix(tenant, clientId))).map((version) => version.key)).size).toBe(3);
  });

  it('removes the photo: the card shows none and the objects are gone', async () => {
    const clientId = await registeredClient('+48601200013');
    const { photoId } = (await upload(clientId, await photo('jpeg'), 'image/jpeg').expect(200)).body as { photoId: string };
    expect(await keysUnder(photoPrefix(tenant, clientId, photoId))).toHaveLength(3);
    await http.delete(`/clients/${clientId}/photo`).set('Authorization', await as()).expect(204);
    await http.delete(`/clients/${clientId}/photo`).set('Authorization', await as()).expect(204);
    expect(await storage.versionsUnder(clientPrefix(tenant, clientId))).toEqual([]);
    const gone = await http.get(`/clients/${clientId}/photo`).set('Authorization', await as()).expect(404);
    expect(gone.body.error).toBe('photo-not-found');
    await eventually(async () => ((await card(clientId)).photoRef === null ? true : undefined), 'the card to show no photo');
  });

  it('refuses a body over 15 MB with 413 naming the limit, declared or streamed, without reading it all', async () => {
    const clientId = await registeredClient('+48601200014');
    const declared = await upload(clientId, Buffer.alloc(MAX_PHOTO_BYTES + 1, 0xff), 'image/jpeg').expect(413);
    expect(declared.body).toMatchObject({ error: 'payload-too-large', errors: [{ field: 'body', reason: 'must be at most 15 MB' }] });
    expect(declared.body.message).toContain(String(MAX_PHOTO_BYTES));

    // Chunked, no Content-Length: refused once the count passes the limit, long before the 40 MB end.
    let produced = 0;
    const chunk = Buffer.alloc(64 * 1024, 0xff);
    const body = Readable.from(
      (function* () {
        while (produced < 40 * 1024 * 1024) {
          produced += chunk.length;
          yield chunk;
        }
      })(),
    );
    const address = media.getHttpServer().address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${address.port}/clients/${clientId}/photo`, {
      method: 'PUT',
      headers: { authorization: await as(), 'content-type': 'image/jpeg' },
      body: Readable.toWeb(body) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const producedWhenAnswered = produced;
    expect(response.status).toBe(413);
    expect(producedWhenAnswered).toBeLessThan(24 * 1024 * 1024);
    expect(await storage.versionsUnder(clientPrefix(tenant, clientId))).toEqual([]);
  });

  it('refuses an empty body (400) and HTML named .png (415, naming the detected type); nothing is stored', async () => {
    const clientId = await registeredClient('+48601200015');
    const empty = await upload(clientId, Buffer.alloc(0), 'image/png').expect(400);
    expect(empty.body).toMatchObject({ error: 'empty-body', errors: [{ field: 'body' }] });
    const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');
    const disguised = await upload(clientId, html, 'image/png', { 'Content-Disposition': 'attachment; filename="photo.png"' }).expect(415);
    expect(disguised.body).toMatchObject({ error: 'unsupported-type', detectedType: 'text/html' });
    expect(JSON.stringify(disguised.body)).not.toContain('alert');
    const json = await http.put(`/clients/${clientId}/photo`).set('Authorization', await as()).send({ photo: 'x' }).expect(415);
    expect(json.body.errors).toEqual([{ field: 'Content-Type', reason: expect.any(String) }]);
    expect(await storage.versionsUnder(clientPrefix(tenant, clientId))).toEqual([]);
  });

  it('stores a PNG with HTML appended (a polyglot) without the HTML', async () => {
    const clientId = await registeredClient('+48601200022');
    const polyglot = Buffer.concat([await photo('png', 200, 150), Buffer.from('<html><body><script>fetch("https://evil.example")</script></body></html>')]);
    await upload(clientId, polyglot, 'image/png', { 'Content-Disposition': 'attachment; filename="photo.png"' }).expect(200);
    const original = await http.get(`/clients/${clientId}/photo/original`).set('Authorization', desk).expect(200);
    const stored = Buffer.from(await (await fetch(original.body.url)).arrayBuffer());
    expect((await sharp(stored).metadata()).format).toBe('png');
    expect(stored.includes(Buffer.from('<script'))).toBe(false);
    expect(stored.includes(Buffer.from('evil.example'))).toBe(false);
  });

  it("answers another chain's client like one nobody has (404), and stores nothing for it", async () => {
    const clientId = await registeredClient('+48601200016');
    const outsider = await as(['owner'], uniqueName('chain-other'));
    const response = await http.put(`/clients/${clientId}/photo`).set('Authorization', outsider).set('Content-Type', 'image/jpeg').send(await photo('jpeg')).expect(404);
    expect(response.body.error).toBe('client-not-found');
    expect(await storage.versionsUnder(`tenant/`)).not.toContainEqual(expect.objectContaining({ key: expect.stringContaining(clientId) }));
    await http.get(`/clients/${clientId}/photo`).set('Authorization', outsider).expect(404);
  });

  it('lets an analyst do nothing with photos (403)', async () => {
    const clientId = await registeredClient('+48601200017');
    const analyst = await as(['analyst']);
    await http.put(`/clients/${clientId}/photo`).set('Authorization', analyst).set('Content-Type', 'image/jpeg').send(await photo('jpeg')).expect(403);
    await http.get(`/clients/${clientId}/photo`).set('Authorization', analyst).expect(403);
    await http.delete(`/clients/${clientId}/photo`).set('Authorization', analyst).expect(403);
  });

  it('erases every object version under the client\'s prefix when the client is erased, and takes no photo after', async () => {
    const clientId = await registeredClient('+48601200018');
    await upload(clientId, await photo('jpeg'), 'image/jpeg').expect(200);
    await upload(clientId, await photo('png'), 'image/png').expect(200);
    const erased = await fetch(`${clients.url}/clients/${clientId}/erasure`, { method: 'POST', headers: { authorization: await as(['owner']) } });
    expect(erased.status).toBe(200);
    await eventually(async () => ((await storage.versionsUnder(clientPrefix(tenant, clientId))).length === 0 ? true : undefined), 'every object version to be gone');
    // The erasure is recorded on the media stream right after the objects went.
    await eventually(async () => ((await http.get(`/clients/${clientId}/photo`).set('Authorization', desk)).status === 404 ? true : undefined), 'no photo to be served');
    const after = await upload(clientId, await photo('jpeg'), 'image/jpeg').expect(404);
    expect(after.body.error).toBe('client-not-found');
    expect(await storage.versionsUnder(clientPrefix(tenant, clientId))).toEqual([]);
  });

  it('erases the photos of a hard-deleted client too', async () => {
    const clientId = await registeredClient('+48601200019');
    await upload(clientId, await photo('webp'), 'image/webp').expect(200);
    const deleted = await fetch(`${clients.url}/clients/${clientId}`, { method: 'DELETE', headers: { authorization: await as(['owner']) } });
    expect(deleted.status).toBe(204);
    await eventually(async () => ((await storage.versionsUnder(clientPrefix(tenant, clientId))).length === 0 ? true : undefined), 'every object version to be gone');
  });

  it('publishes the photo events on media.photo-events.v1, keyed by client id, with the usual headers and no personal data', async () => {
    const clientId = await registeredClient('+48601200020');
    const { photoId } = (await upload(clientId, await photo('jpeg'), 'image/jpeg').expect(200)).body as { photoId: string };
    const consumer = kafka.consumer({ groupId: `${prefix}test.photo-events-${uniqueName('g')}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [prefix + TOPICS.photoEvents.name], fromBeginning: true });
      const seen: { key: string; headers: Record<string, string>; value: Record<string, unknown> }[] = [];
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.push({
            key: String(message.key),
            headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])),
            value: JSON.parse(String(message.value)),
          });
        },
      });
      const stored = await eventually(async () => seen.find((message) => message.key === clientId), 'ClientPhotoStored on the topic');
      expect(stored.headers).toMatchObject({ [HEADERS.eventType]: 'ClientPhotoStored', [HEADERS.tenantId]: tenant, [HEADERS.schemaVersion]: '1' });
      expect(Object.keys(stored.headers)).toEqual(expect.arrayContaining(Object.values(HEADERS)));
      expect(stored.value).toMatchObject({ clientId, photoId, format: 'jpeg', sizes: [256, 1024], byteLength: expect.any(Number) });
      expect(JSON.stringify(stored)).not.toMatch(/Ada|601200020/);
    } finally {
      await consumer.disconnect();
    }
  });
});
