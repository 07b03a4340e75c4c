import { INestApplication } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import { ClientsServiceApi, MediaServiceApi, clientsServiceApi, mediaServiceApi } from '@salon/api-client';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { RunningService, TEST_JWT_SECRET, cleanUpServiceEnvironment, eventually, kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { photo } from './test/images';
import { mediaEnvironment, removeBucket, startClientsService, startMediaApp } from './test/media-test-kit';

/**
 * The media service end to end through the typed clients of libs/api-client (generated from
 * docs/api/*.openapi.json), beside the real clients service in its own process and the real
 * MinIO: every path, parameter, body and answer below is checked by the compiler against the
 * published documents.
 */
describe('the media service through its typed client', () => {
  const prefix = `${uniqueName('t')}.`;
  const storageEnv = mediaEnvironment();
  const env = serviceEnvironment(uniqueName('media-typed'), { KAFKA_TOPIC_PREFIX: prefix, ...storageEnv });
  const kafka = createMessagingClient({ clientId: 'media-typed-client-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let clientsProcess: RunningService;
  let app: INestApplication;
  let clients: ClientsServiceApi;
  let media: MediaServiceApi;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    clientsProcess = await startClientsService(env);
    app = await startMediaApp({ ...env, CLIENTS_SERVICE_URL: clientsProcess.url });
    // The typed client speaks HTTP to an address: the app listens on a free loopback port.
    if (!app.getHttpServer().listening) await app.listen(0, '127.0.0.1');
    const token = await signDevelopmentToken(TEST_JWT_SECRET, { tenantId: tenant, roles: ['receptionist'], userId: 'desk-1' });
    const headers = { Authorization: `Bearer ${token}` };
    clients = clientsServiceApi({ baseUrl: clientsProcess.url, headers });
    media = mediaServiceApi({ baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`, headers });
    // Readiness creates the bucket (versioned) on its first check.
    await eventually(async () => ((await media.GET('/health/ready')).response.status === 200 ? true : undefined), 'the media service to be ready');
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await clientsProcess?.stop();
    await removeBucket(storageEnv.MEDIA_BUCKET);
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
  });

  it('uploads a photo, serves its rendition by a link and removes it', async () => {
    const phone = `+48 6${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const registered = await clients.POST('/clients', { body: { phone, firstName: 'Ada', allowSharedPhone: true } });
    expect(registered.response.status).toBe(201);
    const clientId = registered.data?.clientId as string;

    const uploaded = await media.PUT('/clients/{clientId}/photo', {
      params: { path: { clientId } },
      headers: { 'Content-Type': 'image/jpeg' },
      body: new Blob([new Uint8Array(await photo('jpeg'))]),
      bodySerializer: (body) => body,
    });
    expect(uploaded.response.status).toBe(200);
    expect(uploaded.data).toMatchObject({ clientId, format: 'jpeg', sizes: [256, 1024], width: 640, height: 480 });

    const link = await media.GET('/clients/{clientId}/photo', { params: { path: { clientId }, query: { size: 256 } } });
    expect(link.data).toMatchObject({ clientId, photoId: uploaded.data?.photoId });
    expect((await fetch(link.data?.url as string)).headers.get('content-type')).toMatch(/^image\//);

    const removed = await media.DELETE('/clients/{clientId}/photo', { params: { path: { clientId } } });
    expect(removed.response.status).toBe(204);
    const gone = await media.GET('/clients/{clientId}/photo', { params: { path: { clientId } } });
    expect(gone.response.status).toBe(404);
    expect(gone.error).toMatchObject({ statusCode: 404 });
  });

  it('refuses HTML sent as a PNG with the documented 415 error body', async () => {
    const registered = await clients.POST('/clients', { body: { phone: `+48 6${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`, allowSharedPhone: true } });
    const refused = await media.PUT('/clients/{clientId}/photo', {
      params: { path: { clientId: registered.data?.clientId as string } },
      headers: { 'Content-Type': 'image/png' },
      body: new Blob([new TextEncoder().encode('<!DOCTYPE html><html><body>not a photo</body></html>')]),
      bodySerializer: (body) => body,
    });
    expect(refused.response.status).toBe(415);
    expect(refused.error).toMatchObject({ statusCode: 415, error: 'unsupported-type' });
  });
});
