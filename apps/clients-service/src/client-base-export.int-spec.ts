import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import mongoose from 'mongoose';
import request from 'supertest';
import { CLIENT_COLUMNS, ClientColumnKey, ExportLanguage, clientBaseExportsStream, exportHeaders } from '@salon/clients/domain';
import { CLIENT_PROFILES_COLLECTION, ExportClients, RegisterClient, SetClientDiscounts } from '@salon/clients/feature';
import { ALL_TOPICS } from '@salon/contracts';
import { Role, signDevelopmentToken } from '@salon/shared/auth';
import { RecordedEvent, SqliteEventStore } from '@salon/shared/event-store';
import { ReadModelVersions, createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { CommandContext } from '@salon/shared/nest';
import { CellValue, SHEET_CONTENT_TYPES, SheetCellValue, SheetFormat, readSheet } from '@salon/shared/spreadsheets';
import {
  RunningService,
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
import { startClientsApp } from './test/clients-test-kit';

const CLIENT_COUNT = Number(process.env.EXPORT_TEST_CLIENTS ?? 1_000);
const FORMATS: readonly SheetFormat[] = ['xlsx', 'ods', 'csv'];
const LIMITS = { maxFileBytes: 50 * 1024 * 1024, maxUncompressedBytes: 200 * 1024 * 1024, maxRows: 10_000, maxColumns: 100 };
/** Comments a spreadsheet program would run as formulas, were they written as they are. */
const FORMULAS = ['=HYPERLINK("http://example.com/x","click")', '+1+2', '-3+4', '@SUM(A1:A2)'];

interface Registered {
  readonly clientId: string;
  readonly phone: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email?: string;
  readonly birthDate?: string;
  readonly gender?: 'female' | 'male';
  readonly comment?: string;
  readonly discounts?: { readonly products: number; readonly services: number };
  readonly consent: { readonly notifications: boolean; readonly remindersBySms: boolean; readonly remindersByEmail: boolean };
}

/** supertest buffers a download as bytes instead of text. */
const asBytes = (response: request.Response, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => done(null, Buffer.concat(chunks)));
};

/**
 * GET /clients/export end to end: 1,000 clients registered in the service's process (the use
 * cases called directly, without HTTP), their consent choices applied by the consent service (a
 * process of its own) and projected onto the cards; then each format downloaded through the HTTP
 * API and read back with the spreadsheets library, row by row against what was registered, and
 * imported again through the import job API.
 */
describe('clients service: export of the client base', () => {
  const prefix = `${uniqueName('t')}.`;
  const server = minio();
  const importBucket = uniqueName('client-export-test');
  const env = serviceEnvironment(uniqueName('clients-export'), {
    KAFKA_TOPIC_PREFIX: prefix,
    DEFAULT_PHONE_COUNTRY: 'PL',
    // The import (round trip) keeps its uploads in a bucket of this test's own.
    MINIO_ENDPOINT: `${server.useSSL ? 'https' : 'http'}://${server.endPoint}:${server.port}`,
    MINIO_ACCESS_KEY: server.accessKey,
    MINIO_SECRET_KEY: server.secretKey,
    IMPORT_BUCKET: importBucket,
  });
  const kafka = createMessagingClient({ clientId: 'clients-export-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  const registered: Registered[] = [];
  let clients: INestApplication;
  let consent: RunningService;
  let http: ReturnType<typeof request>;
  let mongo: mongoose.Connection;
  let store: SqliteEventStore;
  let files: string;

  const as = async (roles: Role[] = ['manager'], userId = 'manager-1') =>
    `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId, tenantId: tenant, roles })}`;

  async function download(query: Record<string, string>, roles?: Role[]) {
    return http
      .get('/clients/export')
      .query(query)
      .set('Authorization', await as(roles))
      .buffer(true)
      .parse(asBytes);
  }

  /** The rows of a downloaded file, read with the spreadsheets library from disk (as the import reads it). */
  async function rowsOf(bytes: Buffer, format: SheetFormat): Promise<SheetCellValue[][]> {
    const path = join(files, `${randomUUID()}.${format}`);
    await writeFile(path, bytes);
    const rows: SheetCellValue[][] = [];
    for await (const row of readSheet(path, format, LIMITS)) rows.push([...row.cells]);
    return rows;
  }

  /**
   * The chain's audit stream once every export that started has ended: the end is appended after
   * the last byte went out, so a download can be complete a moment before its audit is.
   */
  const auditEvents = (): Promise<RecordedEvent[]> =>
    eventually(async () => {
      const events = await store.readStream(clientBaseExportsStream(tenant));
      const started = events.filter((event) => event.type === 'ClientBaseExportStarted').length;
      return events.length === started * 2 ? events : undefined;
    }, 'every export audited to its end');

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    files = await mkdtemp(join(tmpdir(), 'client-export-'));
    clients = await startClientsApp(env);
    // The consent context turns the registration's consent choices into the consent state the cards show.
    consent = await startServiceProcess('consent-service', env);
    http = request(clients.getHttpServer());
    mongo = await mongoose.createConnection(env.MONGO_URL).asPromise();
    store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });

    const registerClient = clients.get(RegisterClient);
    const setDiscounts = clients.get(SetClientDiscounts);
    const context: CommandContext = { principal: { userId: 'desk-1', tenantId: tenant, roles: ['manager'], salonIds: [] }, correlationId: randomUUID() };
    const genders = ['female', 'male', undefined] as const;
    const indexes = Array.from({ length: CLIENT_COUNT }, (_, index) => index);
    // Eight registrations at a time: each is a reservation and an append in the embedded store.
    for (let start = 0; start < CLIENT_COUNT; start += 8) {
      await Promise.all(
        indexes.slice(start, start + 8).map(async (index) => {
          const client = {
            phone: `+48601${String(index).padStart(6, '0')}`,
            firstName: index % 10 === 0 ? 'Łucja' : `Anna${index}`,
            lastName: index % 7 === 0 ? 'Żółkiewska' : `Nowak${index}`,
            email: index % 3 === 0 ? undefined : `client${index}@example.com`,
            birthDate: index % 4 === 0 ? undefined : `19${50 + (index % 50)}-0${1 + (index % 9)}-1${index % 10}`,
            gender: genders[index % 3],
            comment: index < FORMULAS.length ? FORMULAS[index] : index % 5 === 0 ? `Prefers mornings; "quoted", comma\nsecond line ${index}` : undefined,
          };
          // Reminders only where notifications are allowed, by e-mail only to an address.
          const notifications = index % 6 !== 0;
          const consentChoices = { notifications, remindersBySms: notifications && index % 2 === 0, remindersByEmail: notifications && client.email !== undefined && index % 4 === 0 };
          const { clientId } = await registerClient.execute({ ...context, correlationId: randomUUID() }, { ...client, initialConsent: consentChoices });
          const discounts = index % 2 === 0 ? { products: index % 20, services: (index % 40) + 0.5 } : undefined;
          if (discounts) {
            await setDiscounts.execute({ ...context, correlationId: randomUUID() }, clientId, {
              productDiscountPercent: discounts.products,
              serviceDiscountPercent: discounts.services,
            });
          }
          registered[index] = { clientId, ...client, discounts, consent: consentChoices };
        }),
      );
    }
    // Every card shows its consent state (from the consent context) and its discounts.
    const collection = mongo.collection(await new ReadModelVersions(mongo).activeCollection(CLIENT_PROFILES_COLLECTION));
    const withDiscounts = registered.filter((client) => client.discounts).length;
    await eventually(
      async () => {
        const [withConsent, discounted] = await Promise.all([
          collection.countDocuments({ tenantId: tenant, status: 'active', consent: { $type: 'object' } }),
          // Every card shows discounts (0 and 0 until set); the ones set have a service discount above 0.
          collection.countDocuments({ tenantId: tenant, status: 'active', 'discounts.services': { $gt: 0 } }),
        ]);
        if (withConsent === CLIENT_COUNT && discounted === withDiscounts) return true;
        throw new Error(`${withConsent} of ${CLIENT_COUNT} cards with consent, ${discounted} of ${withDiscounts} with discounts`);
      },
      'every card with its consent state and discounts',
      { timeoutMs: 180_000, intervalMs: 500 },
    );
  }, 300_000);

  afterAll(async () => {
    await store?.close();
    await mongo?.close();
    await consent?.stop();
    await clients?.close();
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
    await removeBucket(importBucket);
    if (files) await rm(files, { recursive: true, force: true });
  });

  /** What a registered client's row must hold, column by column, as the library reads the file back. */
  function expectedRow(client: Registered, language: ExportLanguage, format: SheetFormat): Record<ClientColumnKey, CellValue> {
    const yesNo = { pl: ['tak', 'nie'], ru: ['да', 'нет'], en: ['yes', 'no'] }[language];
    const genders = { pl: { female: 'kobieta', male: 'mężczyzna' }, ru: { female: 'женский', male: 'мужской' }, en: { female: 'female', male: 'male' } }[language];
    const word = (value: boolean) => (value ? yesNo[0] : yesNo[1]);
    // csv holds text only: the library reads dates and numbers back as the text they were written as.
    const date = (iso: string | undefined) => (iso === undefined ? null : format === 'csv' ? iso : new Date(`${iso}T00:00:00.000Z`));
    const number = (value: number | undefined) => (value === undefined ? null : format === 'csv' ? String(value) : value);
    const text = (value: string | undefined) => value ?? null;
    return {
      firstName: client.firstName,
      lastName: client.lastName,
      patronymic: null,
      // "+48…" starts like a formula: written with the apostrophe that keeps it text.
      phone: `'${client.phone}`,
      secondPhone: null,
      email: text(client.email),
      birthDate: date(client.birthDate),
      gender: client.gender ? genders[client.gender] : null,
      comment: client.comment === undefined ? null : FORMULAS.includes(client.comment) ? `'${client.comment}` : client.comment,
      // A card without discounts set shows 0 and 0.
      serviceDiscount: number(client.discounts?.services ?? 0),
      productDiscount: number(client.discounts?.products ?? 0),
      notifications: word(client.consent.notifications),
      remindersBySms: word(client.consent.remindersBySms),
      remindersByEmail: word(client.consent.remindersByEmail),
      marketingSms: null,
      newsletter: null,
      marketingConsentDocumentRef: null,
      marketingConsentTextVersion: null,
    };
  }

  const asRecord = (cells: readonly SheetCellValue[]) =>
    Object.fromEntries(CLIENT_COLUMNS.map((column, index) => [column.key, cells[index] ?? null])) as Record<ClientColumnKey, SheetCellValue>;

  describe.each(FORMATS)('%s', (format) => {
    it.each(['pl', 'ru', 'en'] as const)('holds every active client, cell by cell, with the %s headers', async (language) => {
      const response = await download({ format, language });
      expect(response.status).toBe(200);
      expect(response.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="clients-\\d{8}-\\d{4}\\.${format}"$`));
      expect(response.headers['cache-control']).toBe('no-store');
      const [header, ...rows] = await rowsOf(response.body as Buffer, format);
      expect(header).toEqual(exportHeaders(language));
      expect(rows).toHaveLength(CLIENT_COUNT);
      const byPhone = new Map(rows.map((cells) => [String(cells[CLIENT_COLUMNS.findIndex((column) => column.key === 'phone')]), asRecord(cells)]));
      for (const client of registered) expect(byPhone.get(`'${client.phone}`)).toEqual(expectedRow(client, language, format));
    });

    it('neutralises formulas in the comments: each is read back as text behind an apostrophe', async () => {
      const response = await download({ format, language: 'en', phone: '60100000' });
      const [, ...rows] = await rowsOf(response.body as Buffer, format);
      const comments = rows.map((cells) => asRecord(cells).comment);
      expect(comments).toEqual(expect.arrayContaining(FORMULAS.map((formula) => `'${formula}`)));
      expect(comments.filter((comment) => typeof comment === 'string' && /^[=+\-@]/.test(comment))).toEqual([]);
    });
  });

  describe.each(FORMATS)('round trip: the %s export imported again with policy overwrite', (format) => {
    /** Every event of the store but the import job's and the export audit's own streams. */
    const clientData = async () =>
      (await store.readAll()).filter((event) => !event.streamName.startsWith('clientImport') && !event.streamName.startsWith('clientBaseExports-'));

    it('matches every row to its client and changes nothing: no event appended', async () => {
      const before = await clientData();
      const exported = await download({ format, language: 'pl' });
      expect(exported.status).toBe(200);

      const manager = await as();
      const uploaded = await http
        .post('/clients/imports')
        .query({ fileName: `klienci.${format}` })
        .set('Authorization', manager)
        .set('Content-Type', SHEET_CONTENT_TYPES[format])
        .send(exported.body as Buffer);
      expect(uploaded.status).toBe(201);
      const { jobId } = uploaded.body;
      // Every column of the export is mapped, none unknown.
      expect(uploaded.body.unknownColumns).toEqual([]);
      expect(uploaded.body.mapping.map((assignment: { field: string }) => assignment.field)).toEqual(CLIENT_COLUMNS.map((column) => column.key));
      const untilStatus = (status: string) =>
        eventually(
          async () => {
            const job = (await http.get(`/clients/imports/${jobId}`).set('Authorization', manager).expect(200)).body;
            if (job.status === 'failed') throw new Error(`the import failed: ${JSON.stringify(job.failure)}`);
            return job.status === status ? job : undefined;
          },
          `the import job ${status}`,
          { timeoutMs: 120_000, intervalMs: 250 },
        );

      await http.post(`/clients/imports/${jobId}/dry-run`).set('Authorization', manager).send({ existingClients: 'overwrite' }).expect(202);
      expect((await untilStatus('dry-run-completed')).dryRun).toEqual({ rowsDone: CLIENT_COUNT, created: 0, updated: 0, skipped: CLIENT_COUNT, refused: 0 });
      await http.post(`/clients/imports/${jobId}/run`).set('Authorization', manager).send({ existingClients: 'overwrite' }).expect(202);
      expect((await untilStatus('completed')).progress).toMatchObject({ rowsDone: CLIENT_COUNT, created: 0, updated: 0, skipped: CLIENT_COUNT, refused: 0 });

      const after = await clientData();
      expect(after.map((event) => `${event.streamName}@${event.revision}`)).toEqual(before.map((event) => `${event.streamName}@${event.revision}`));
    });
  });

  it('writes csv as UTF-8 with a byte order mark, CRLF line ends and ISO dates', async () => {
    const response = await download({ format: 'csv', language: 'pl', name: 'Łucja' });
    const bytes = response.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.startsWith('\ufeffImię,Nazwisko,')).toBe(true);
    expect(text.split('\r\n').length).toBeGreaterThan(CLIENT_COUNT / 10);
    expect(text).toMatch(/,19\d\d-0\d-1\d,/);
  });

  it('narrows the export with the search filters, and audits the kinds of filter used but never their values', async () => {
    const before = (await auditEvents()).length;
    const response = await download({ format: 'csv', language: 'en', name: 'łucja', hasEmail: 'true' });
    const [, ...rows] = await rowsOf(response.body as Buffer, 'csv');
    const expected = registered.filter((client) => client.firstName === 'Łucja' && client.email !== undefined);
    expect(rows.map((cells) => asRecord(cells).phone).sort()).toEqual(expected.map((client) => `'${client.phone}`).sort());

    const audit = (await auditEvents()).slice(before);
    expect(audit.map((event) => event.type)).toEqual(['ClientBaseExportStarted', 'ClientBaseExported']);
    expect(audit[1].data).toEqual({
      exportId: (audit[0].data as { exportId: string }).exportId,
      by: 'manager-1',
      role: 'manager',
      format: 'csv',
      language: 'en',
      filters: ['name', 'hasEmail'],
      rows: expected.length,
      at: expect.any(String),
    });
    expect(audit[1].metadata).toMatchObject({ tenantId: tenant, actorId: 'manager-1' });
    expect(JSON.stringify(audit.map(({ data, metadata }) => ({ data, metadata })))).not.toMatch(/łucja|lucja/i);
  });

  it('leaves out an erased client entirely: none of their values is in the file', async () => {
    const phone = '+48601999001';
    const registerClient = clients.get(RegisterClient);
    const context: CommandContext = { principal: { userId: 'desk-1', tenantId: tenant, roles: ['manager'], salonIds: [] }, correlationId: randomUUID() };
    const { clientId } = await registerClient.execute(context, {
      phone,
      firstName: 'Bożydar',
      lastName: 'Zapomniany',
      email: 'bozydar.zapomniany@example.com',
      comment: 'Allergic to lavender',
      birthDate: '1977-07-07',
    });
    await eventually(async () => ((await http.get(`/clients/${clientId}`).set('Authorization', await as())).status === 200 ? true : undefined), 'the card');
    await http.post(`/clients/${clientId}/erasure`).set('Authorization', await as(['owner'])).expect(200);
    await eventually(
      async () => ((await http.get(`/clients/${clientId}`).set('Authorization', await as())).body.status === 'erased' ? true : undefined),
      'the card erased',
    );

    const response = await download({ format: 'csv', language: 'en' });
    const text = (response.body as Buffer).toString('utf8');
    for (const trace of ['Bożydar', 'Zapomniany', 'bozydar', '601999001', 'lavender', '1977-07-07', 'Archived client']) expect(text).not.toContain(trace);
    expect(text.split('\r\n').filter((line) => line !== '')).toHaveLength(CLIENT_COUNT + 1);
  });

  it('stops when the caller goes away mid-file: the cursor is closed and the export audited as failed with the rows written', async () => {
    const before = (await auditEvents()).length;
    // A destination nobody reads: the writer waits for it to drain after its first chunks.
    const out = new PassThrough({ highWaterMark: 1024 });
    let resolveClosed!: () => void;
    const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
    const principal = { userId: 'manager-2', tenantId: tenant, roles: ['manager'] as Role[], salonIds: [] };
    const started = await clients.get(ExportClients).start({ principal, correlationId: randomUUID() }, { format: 'csv', language: 'en' });
    const writing = started.writeTo({ out, closed });
    await eventually(async () => (out.writableNeedDrain ? true : undefined), 'the destination full');
    resolveClosed();
    await expect(writing).rejects.toThrow('closed by the caller');

    const [start, end] = (await auditEvents()).slice(before);
    expect(start.type).toBe('ClientBaseExportStarted');
    expect(end).toMatchObject({ type: 'ClientBaseExportFailed', data: { exportId: started.exportId, by: 'manager-2', reason: 'client-disconnected' } });
    expect((end.data as { rows: number }).rows).toBeLessThan(CLIENT_COUNT);
  });

  it('answers 403 to a receptionist and an analyst, and records nothing', async () => {
    const before = (await auditEvents()).length;
    for (const role of ['receptionist', 'analyst'] as const) {
      const response = await download({ format: 'csv' }, [role]);
      expect(response.status).toBe(403);
    }
    expect(await auditEvents()).toHaveLength(before);
  });

  it.each([
    [{ format: 'pdf' }, 'format'],
    [{ language: 'de' }, 'language'],
    [{ phone: 'no digits' }, 'phone'],
    [{ limit: '10' }, 'limit'],
    [{ includeArchived: 'true' }, 'includeArchived'],
  ])('refuses %j with 400 naming the field, before recording anything', async (query, field) => {
    const before = (await auditEvents()).length;
    const response = await http.get('/clients/export').query(query).set('Authorization', await as());
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await auditEvents()).toHaveLength(before);
  });
});

