import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { SqliteEventStore } from '@salon/shared/event-store';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import {
  KillableService,
  TEST_JWT_SECRET,
  cleanUpServiceEnvironment,
  eventually,
  kafkaBrokers,
  minio,
  removeBucket,
  serviceEnvironment,
  startServiceProcess,
  uniqueName,
} from '@salon/shared/testing';

/**
 * An import survives a crash of the service: the clients service runs as its own process, is
 * killed with SIGKILL in the middle of an import (no shutdown hook, no last checkpoint, rows in
 * flight), started again on the same stores, and finishes the job: every row imported exactly
 * once, the report one line per row. (client-import.int-spec.ts stops the service cleanly; this
 * is the crash.)
 */
describe('client import after a crash of the service (kill -9)', () => {
  const prefix = `${uniqueName('t')}.`;
  const server = minio();
  const bucket = uniqueName('client-imports-crash');
  const env = serviceEnvironment(uniqueName('clients-import-crash'), {
    KAFKA_TOPIC_PREFIX: prefix,
    MINIO_ENDPOINT: `${server.useSSL ? 'https' : 'http'}://${server.endPoint}:${server.port}`,
    MINIO_ACCESS_KEY: server.accessKey,
    MINIO_SECRET_KEY: server.secretKey,
    IMPORT_BUCKET: bucket,
  });
  const kafka = createMessagingClient({ clientId: 'clients-import-crash-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let service: KillableService | undefined;
  let store: SqliteEventStore;
  let manager: string;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });
    manager = `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'manager-1', tenantId: tenant, roles: ['manager'] })}`;
  });

  afterAll(async () => {
    await service?.stop();
    await store?.close();
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
    await removeBucket(bucket);
  });

  async function call(method: string, path: string, body?: Buffer | object, contentType = 'application/json') {
    if (!service) throw new Error('the clients service is not running');
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: manager, ...(body ? { 'content-type': contentType } : {}) },
      body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  }

  interface JobView {
    readonly status: string;
    readonly failure?: unknown;
    readonly progress?: { readonly rowsDone: number };
    readonly dryRun?: { readonly created: number };
  }
  const untilJob = (jobId: string, what: string, done: (job: JobView) => boolean, timeoutMs: number, intervalMs = 200) =>
    eventually(
      async () => {
        const { status, body } = (await call('GET', `/clients/imports/${jobId}`)) as { status: number; body: JobView };
        expect(status).toBe(200);
        if (body.status === 'failed') throw new Error(`the import failed: ${JSON.stringify(body.failure)}`);
        return done(body) ? body : undefined;
      },
      what,
      { timeoutMs, intervalMs },
    );

  const registrationsOfTenant = async () =>
    (await store.readAll({ streamPrefixes: ['client-'] })).filter((event) => event.type === 'ClientRegistered' && event.metadata.tenantId === tenant);

  it('finishes the job exactly once when the service is killed mid-import and started again', async () => {
    service = await startServiceProcess('clients-service', env);
    const rows = 600;
    const lines = ['Telefon;Imię;Nazwisko'];
    for (let index = 0; index < rows; index++) lines.push(`603 ${String(100_000 + index).padStart(6, '0')};Klient;Numer${index}`);
    const uploaded = await call('POST', '/clients/imports?fileName=crash.csv', Buffer.from(lines.join('\n')), 'text/csv');
    expect(uploaded.status).toBe(201);
    const jobId = uploaded.body.jobId as string;
    expect((await call('POST', `/clients/imports/${jobId}/dry-run`, {})).status).toBe(202);
    expect((await untilJob(jobId, 'the dry run to end', (job) => job.status === 'dry-run-completed', 120_000)).dryRun?.created).toBe(rows);

    expect((await call('POST', `/clients/imports/${jobId}/run`, { existingClients: 'skip' })).status).toBe(202);
    // The kill lands while rows are being imported: some done, not all.
    const running = await untilJob(jobId, 'the import to be under way', (job) => job.status === 'running' && (job.progress?.rowsDone ?? 0) > 0, 120_000, 20);
    await service.kill();
    expect(running.progress?.rowsDone).toBeLessThan(rows);
    const interrupted = (await store.readStream(`clientImport-${jobId}`)).map((event) => event.type);
    expect(interrupted).not.toContain('ClientImportCompleted');
    const registeredAtKill = (await registrationsOfTenant()).length;
    expect(registeredAtKill).toBeLessThan(rows);

    service = await startServiceProcess('clients-service', env);
    const done = await untilJob(jobId, 'the resumed import to complete', (job) => job.status === 'completed', 300_000, 500);
    expect(done.progress).toMatchObject({ rowsDone: rows, created: rows, refused: 0, skipped: 0 });

    // Exactly once: one registration per row, each its own client, whatever the crash cut short.
    const registrations = await registrationsOfTenant();
    expect(registrations).toHaveLength(rows);
    expect(new Set(registrations.map((event) => event.streamName)).size).toBe(rows);
    const report = await call('GET', `/clients/imports/${jobId}/report?format=csv`);
    expect(report.status).toBe(200);
    const reported = String(report.body).replace(/^\uFEFF/, '').split('\r\n').filter((line) => line !== '').slice(1);
    expect(reported).toHaveLength(rows);
    expect(new Set(reported.map((line) => line.split(',')[2])).size).toBe(rows);
  }, 600_000);
});

