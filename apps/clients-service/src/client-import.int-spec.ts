import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import iconv from 'iconv-lite';
import request from 'supertest';
import { ClientImportRowProcessor, ClientImportRunner } from '@salon/clients/feature';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { SqliteEventStore } from '@salon/shared/event-store';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import {
  TEST_JWT_SECRET,
  cleanUpServiceEnvironment,
  eventually,
  kafkaBrokers,
  minio,
  removeBucket,
  serviceEnvironment,
  uniqueName,
} from '@salon/shared/testing';
import { startClientsApp } from './test/clients-test-kit';

/**
 * The import of a client spreadsheet end to end, in the clients service against the real Kafka,
 * MongoDB-wire server and MinIO: upload → mapping → dry run → report → import → the clients read
 * back through the API; a repeated run records nothing; a service stopped mid-import and started
 * again completes the job exactly once.
 */
describe('client import', () => {
  const prefix = `${uniqueName('t')}.`;
  const server = minio();
  const bucket = uniqueName('client-imports-test');
  const env = serviceEnvironment(uniqueName('clients-import'), {
    KAFKA_TOPIC_PREFIX: prefix,
    MINIO_ENDPOINT: `${server.useSSL ? 'https' : 'http'}://${server.endPoint}:${server.port}`,
    MINIO_ACCESS_KEY: server.accessKey,
    MINIO_SECRET_KEY: server.secretKey,
    IMPORT_BUCKET: bucket,
    IMPORT_MAX_FILE_BYTES: String(200 * 1024),
    // The stop-and-resume test counts checkpoints before row 251 (every 100 rows): batches of 16 rows end on either side of them.
    IMPORT_ROWS_AT_ONCE: '16',
    IMPORT_CHECKPOINT_ROWS: '100',
  });
  const kafka = createMessagingClient({ clientId: 'clients-import-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let store: SqliteEventStore;
  let manager: string;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startClientsApp(env);
    http = request(app.getHttpServer());
    store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });
    manager = `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'manager-1', tenantId: tenant, roles: ['manager'] })}`;
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await store?.close();
    await app?.close();
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
    await removeBucket(bucket);
  });

  const upload = (bytes: Buffer, fileName: string, contentType = 'text/csv') =>
    http.post('/clients/imports').query({ fileName }).set('Authorization', manager).set('Content-Type', contentType).send(bytes);

  const job = async (jobId: string) => (await http.get(`/clients/imports/${jobId}`).set('Authorization', manager).expect(200)).body;

  const untilStatus = (jobId: string, status: string, timeoutMs = 60_000) =>
    eventually(
      async () => {
        const current = await job(jobId);
        if (current.status === 'failed') throw new Error(`the import failed: ${JSON.stringify(current.failure)}`);
        return current.status === status ? current : undefined;
      },
      `the import to be ${status}`,
      { timeoutMs, intervalMs: 200 },
    );

  const report = async (jobId: string, phase?: string) => {
    const response = await http
      .get(`/clients/imports/${jobId}/report`)
      .query({ format: 'csv', ...(phase ? { phase } : {}) })
      .set('Authorization', manager)
      .buffer(true)
      .parse((res, callback) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => callback(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const text = (response.body as Buffer).toString('utf8').replace(/^\uFEFF/, '');
    return text
      .split('\r\n')
      .filter((line) => line !== '')
      .slice(1)
      .map((line) => {
        const [row, outcome, clientId, field, ...reason] = line.split(',');
        return { row: Number(row), outcome, clientId, field, reason: reason.join(',') };
      });
  };

  const registrationsOfTenant = async () =>
    (await store.readAll({ streamPrefixes: ['client-'] })).filter((event) => event.type === 'ClientRegistered' && event.metadata.tenantId === tenant);

  it('imports a Polish windows-1250 csv with ";": the dry run and the report name every bad row, the valid rows are imported', async () => {
    const existing = await http.post('/clients').set('Authorization', manager).send({ phone: '+48 601 300 999', firstName: 'Stała' }).expect(201);
    const existingClientId = existing.body.clientId as string;
    const lines = [
      'Imię;Nazwisko;Telefon;E-mail;Data urodzenia;Płeć;Uwagi;Rabat na usługi;Przypomnienia SMS;Ulubiony kolor',
      'Łucja;Żółć;601 300 001;lucja@example.com;12.04.1990;K;Lubi kawę;10;tak;niebieski',
      'Anna;Nowak;;anna@example.com;;K;;;;',
      'Ewa;Wiśniewska;22 123 45 67;ewa@example.com;;K;;;tak;',
      'Jan;Kowalski;601 300 002;jan@@example;;M;;;;',
      'Piotr;Zieliński;601 300 001;;;M;;;;',
      'Maria;Lis;601 300 999;;;;;;;',
      'Zofia;Kot;601 300 003;;1985-01-31;kobieta;;5,5;nie;',
    ];
    const bytes = iconv.encode(lines.join('\r\n') + '\r\n', 'win1250');

    const uploaded = await upload(bytes, 'klienci.csv').expect(201);
    expect(uploaded.body).toMatchObject({
      status: 'uploaded',
      format: 'csv',
      rowsTotal: 7,
      unknownColumns: [{ column: 9, header: 'Ulubiony kolor' }],
    });
    expect(uploaded.body.mapping.map((assignment: { field: string }) => assignment.field)).toEqual([
      'firstName',
      'lastName',
      'phone',
      'email',
      'birthDate',
      'gender',
      'comment',
      'serviceDiscount',
      'remindersBySms',
    ]);
    const jobId = uploaded.body.jobId as string;

    await http.post(`/clients/imports/${jobId}/dry-run`).set('Authorization', manager).send({ existingClients: 'skip' }).expect(202);
    const tried = await untilStatus(jobId, 'dry-run-completed');
    expect(tried.dryRun).toEqual({ rowsDone: 7, created: 3, updated: 0, skipped: 2, refused: 2 });
    // The dry run recorded no client.
    expect(await registrationsOfTenant()).toHaveLength(1);

    const dryRunReport = await report(jobId);
    expect(dryRunReport.map(({ row, outcome, field }) => [row, outcome, field])).toEqual([
      [2, 'create', ''],
      [3, 'refused', 'phone'],
      [4, 'create', 'remindersBySms'],
      [5, 'refused', 'email'],
      [6, 'skip-duplicate-in-file', 'phone'],
      [7, 'skip-existing', 'phone'],
      [8, 'create', ''],
    ]);
    expect(dryRunReport[1].reason).toBe('A phone number is required');
    expect(dryRunReport[2].reason).toContain('landline');
    // The registration's own reason quotes the address; the stored report does not.
    expect(dryRunReport[3].reason).toBe('This is not a valid e-mail address');
    expect(dryRunReport[4].reason).toBe('The same phone number as row 2');
    expect(dryRunReport[5].clientId).toBe(existingClientId);
    // No value of the file in the report: only ids, outcomes, fields and reasons.
    expect(JSON.stringify(dryRunReport)).not.toMatch(/Łucja|Nowak|jan@@example|601 300/);

    await http.post(`/clients/imports/${jobId}/run`).set('Authorization', manager).send({ existingClients: 'skip' }).expect(202);
    const done = await untilStatus(jobId, 'completed');
    expect(done.progress).toEqual({ rowsDone: 7, rowsTotal: 7, created: 3, updated: 0, skipped: 2, refused: 2 });
    // The file (personal data) goes right after the job ends.
    await eventually(async () => ((await job(jobId)).fileRemoved === true ? true : undefined), 'the uploaded file to be removed');

    const imported = (await report(jobId)).filter((line) => line.outcome === 'create');
    expect(imported.map((line) => line.row)).toEqual([2, 4, 8]);
    // The card shows the discounts once the projection applied the second event of the row.
    const serviceDiscounts = [10, 0, 5.5];
    const cards = await Promise.all(
      imported.map(({ clientId }, index) =>
        eventually(async () => {
          const response = await http.get(`/clients/${clientId}`).set('Authorization', manager);
          return response.status === 200 && response.body.discounts?.services === serviceDiscounts[index] ? response.body : undefined;
        }, 'the imported client on its card'),
      ),
    );
    expect(cards[0]).toMatchObject({
      names: { firstName: 'Łucja', lastName: 'Żółć' },
      contacts: { phone: '+48601300001', email: 'lucja@example.com' },
      birthDate: '1990-04-12',
      gender: 'female',
      comment: 'Lubi kawę',
      discounts: { services: 10, products: 0 },
    });
    expect(cards[1]).toMatchObject({ names: { firstName: 'Ewa' }, contacts: { phone: '+48221234567' } });
    expect(cards[2]).toMatchObject({ birthDate: '1985-01-31', gender: 'female', discounts: { services: 5.5 } });

    // Running it again imports nothing twice: no event is appended anywhere.
    const before = (await store.readAll()).length;
    await http.post(`/clients/imports/${jobId}/run`).set('Authorization', manager).send({ existingClients: 'skip' }).expect(202);
    expect((await job(jobId)).status).toBe('completed');
    expect((await store.readAll()).length).toBe(before);
    expect(await registrationsOfTenant()).toHaveLength(4);
  });

  it('updates one client of the base reached by two rows (its phone, its e-mail) one row after the other, in the order of the file', async () => {
    const existing = await http
      .post('/clients')
      .set('Authorization', manager)
      .send({ phone: '+48 601 310 001', email: 'marta@example.com', firstName: 'Marta' })
      .expect(201);
    const clientId = existing.body.clientId as string;
    // Rows are matched by e-mail against the read model: the card must be there first.
    await eventually(async () => ((await http.get(`/clients/${clientId}`).set('Authorization', manager)).status === 200 ? true : undefined), 'the card of the base client');
    const lines = ['Telefon;E-mail;Uwagi', '601 310 001;;Pierwsza', '601 310 002;marta@example.com;Druga'];
    const uploaded = await upload(Buffer.from(lines.join('\r\n') + '\r\n'), 'dwa-wiersze.csv').expect(201);
    const jobId = uploaded.body.jobId as string;
    await http.post(`/clients/imports/${jobId}/dry-run`).set('Authorization', manager).send({ existingClients: 'overwrite' }).expect(202);
    await untilStatus(jobId, 'dry-run-completed');
    await http.post(`/clients/imports/${jobId}/run`).set('Authorization', manager).send({ existingClients: 'overwrite' }).expect(202);
    const done = await untilStatus(jobId, 'completed');

    expect(done.progress).toMatchObject({ rowsDone: 2, updated: 2, refused: 0 });
    expect((await report(jobId)).map(({ row, outcome, clientId: id }) => ({ row, outcome, id }))).toEqual([
      { row: 2, outcome: 'update', id: clientId },
      { row: 3, outcome: 'update', id: clientId },
    ]);
    const edits = (await store.readStream(`client-${clientId}`)).filter((event) => event.type === 'ClientProfileEdited');
    expect(edits).toHaveLength(2);
    const card = await eventually(async () => {
      const response = await http.get(`/clients/${clientId}`).set('Authorization', manager);
      return response.body.comment === 'Druga' ? response.body : undefined;
    }, 'the card after both rows');
    expect(card.contacts).toMatchObject({ phone: '+48601310001', email: 'marta@example.com' });
  });

  // Made by LibreOffice from a csv (libs/shared/spreadsheets/src/test/fixtures/make-fixtures.sh): dates as date cells,
  // booleans, percentages, a line break in a cell, empty rows; "padded" adds a merged cell, a repeated row and
  // formatting down to row 1,048,576, which the reader does not turn into rows.
  const FIXTURES = join(__dirname, '../../../libs/shared/spreadsheets/src/test/fixtures');
  const RICH_OUTCOMES = [
    [2, 'create', ''],
    [3, 'create', ''],
    [6, 'create', ''],
    [7, 'skip-duplicate-in-file', 'phone'],
    [8, 'skip-duplicate-in-file', 'phone'],
    [9, 'refused', 'phone'],
  ];
  it.each([
    ['clients-rich.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', RICH_OUTCOMES],
    ['clients-rich.ods', 'application/vnd.oasis.opendocument.spreadsheet', RICH_OUTCOMES],
    [
      'clients-padded.ods',
      'application/vnd.oasis.opendocument.spreadsheet',
      [...RICH_OUTCOMES, [10, 'refused', 'phone'], [11, 'refused', 'phone'], [12, 'refused', 'phone'], [13, 'refused', 'phone']],
    ],
    [
      'clients-padded.xlsx',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      [...RICH_OUTCOMES, [10, 'refused', 'phone'], [11, 'refused', 'phone'], [12, 'refused', 'phone'], [13, 'refused', 'phone']],
    ],
  ])('dry-runs the LibreOffice file %s row by row', async (fileName, contentType, outcomes) => {
    const uploaded = await upload(readFileSync(join(FIXTURES, fileName)), fileName, contentType).expect(201);
    expect(uploaded.body).toMatchObject({ format: fileName.split('.').pop(), rowsTotal: outcomes.length });
    expect(uploaded.body.unknownColumns.map((column: { header: string }) => column.header)).toEqual(['Data (tekst)', 'Zgoda SMS', 'Rabat']);
    const jobId = uploaded.body.jobId as string;
    await http.post(`/clients/imports/${jobId}/dry-run`).set('Authorization', manager).send({}).expect(202);
    await untilStatus(jobId, 'dry-run-completed');
    expect((await report(jobId)).map(({ row, outcome, field }) => [row, outcome, field])).toEqual(outcomes);
  });

  it('refuses a file over IMPORT_MAX_FILE_BYTES with 413 naming the limit, and a mapping without the phone', async () => {
    const tooLarge = await upload(Buffer.alloc(200 * 1024 + 1, 'a'), 'big.csv').expect(413);
    expect(tooLarge.body).toMatchObject({ error: 'payload-too-large', errors: [{ field: 'body', reason: `must be at most ${200 * 1024} bytes` }] });

    const uploaded = await upload(Buffer.from('Telefon,Imię\r\n601 300 500,Ola\r\n'), 'a.csv').expect(201);
    const refused = await http
      .put(`/clients/imports/${uploaded.body.jobId}/mapping`)
      .set('Authorization', manager)
      .send({ mapping: [{ column: 1, field: 'firstName' }] })
      .expect(400);
    expect(refused.body.errors).toEqual([{ field: 'mapping', reason: 'The phone is mandatory: map a column to phone' }]);
    const cancelled = await http.post(`/clients/imports/${uploaded.body.jobId}/cancel`).set('Authorization', manager).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', fileRemoved: true });
  });

  it('records no text of a first row that is not a header row (a file without headers): its cells are a client\'s data', async () => {
    const uploaded = await upload(Buffer.from('Zapisana,601 300 700,zapisana@example.pl\r\nDruga,601 300 701,druga@example.pl\r\n'), 'no-headers.csv').expect(201);
    expect(uploaded.body).toMatchObject({ headers: ['', '', ''], mapping: [], rowsTotal: 1 });
    expect(uploaded.body.unknownColumns).toEqual([0, 1, 2].map((column) => ({ column, header: '' })));
    const recorded = JSON.stringify((await store.readStream(`clientImport-${uploaded.body.jobId}`)).map(({ data, metadata }) => ({ data, metadata })));
    for (const value of ['Zapisana', '601 300 700', 'zapisana@example.pl']) expect(recorded).not.toContain(value);
    await http.post(`/clients/imports/${uploaded.body.jobId}/cancel`).set('Authorization', manager).expect(200);
  });

  it('answers a retried upload (same Idempotency-Key) with the job it opened, keeping its file', async () => {
    const first = await upload(Buffer.from('Telefon\r\n601 300 600\r\n'), 'a.csv').set('Idempotency-Key', 'import-retry-0001').expect(201);
    const retried = await upload(Buffer.from('Telefon\r\n601 300 601\r\n601 300 602\r\n'), 'a.csv').set('Idempotency-Key', 'import-retry-0001');
    // The key's binding takes the raw upload for the same request (its body is not JSON): the retry is answered like the first.
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ jobId: first.body.jobId, rowsTotal: 1 });
    await http.post(`/clients/imports/${first.body.jobId}/dry-run`).set('Authorization', manager).send({}).expect(202);
    expect((await untilStatus(first.body.jobId, 'dry-run-completed')).dryRun).toMatchObject({ rowsDone: 1, created: 1 });
  });

  it('completes an import exactly once when the service is stopped mid-run and started again', async () => {
    const rows = 400;
    const lines = ['Telefon;Imię'];
    for (let index = 0; index < rows; index++) lines.push(`602 ${String(400_000 + index).padStart(6, '0')};Klient ${index}`);
    const uploaded = await upload(Buffer.from(lines.join('\n')), 'many.csv').expect(201);
    const jobId = uploaded.body.jobId as string;
    await http.post(`/clients/imports/${jobId}/dry-run`).set('Authorization', manager).send({}).expect(202);
    expect((await untilStatus(jobId, 'dry-run-completed')).dryRun.created).toBe(rows);
    const registeredBefore = (await registrationsOfTenant()).length;

    // Row 251 waits until the runner is told to stop: the stop lands mid-import, past the checkpoint of row 201.
    const processor = app.get(ClientImportRowProcessor);
    const runner = app.get(ClientImportRunner);
    const original = processor.process.bind(processor);
    let reachRow251!: () => void;
    const row251Reached = new Promise<void>((resolve) => (reachRow251 = resolve));
    let releaseRow251!: () => void;
    const row251Released = new Promise<void>((resolve) => (releaseRow251 = resolve));
    jest.spyOn(processor, 'process').mockImplementation(async (pass, row, existingClientId, apply) => {
      if (row.number === 251 && apply) {
        reachRow251();
        await row251Released;
      }
      return original(pass, row, existingClientId, apply);
    });

    await http.post(`/clients/imports/${jobId}/run`).set('Authorization', manager).send({ existingClients: 'skip' }).expect(202);
    const stop = runner.stop.bind(runner);
    jest.spyOn(runner, 'stop').mockImplementation(() => {
      const stopping = stop();
      releaseRow251();
      return stopping;
    });
    await row251Reached;
    await app.close();

    const interrupted = (await store.readStream(`clientImport-${jobId}`)).map((event) => event.type);
    expect(interrupted).not.toContain('ClientImportCompleted');
    expect(interrupted.filter((type) => type === 'ClientImportProgressed')).toHaveLength(2);
    // Rows up to 251 and the rest of its batch (IMPORT_ROWS_AT_ONCE rows go at once) were done; those after the
    // last checkpoint are done again by the new service, and record nothing twice.
    const registeredAtStop = (await registrationsOfTenant()).length - registeredBefore;
    expect(registeredAtStop).toBeGreaterThanOrEqual(250);
    expect(registeredAtStop).toBeLessThan(rows);

    // A new service against the same store resumes the job from its checkpoint.
    app = await startClientsApp(env);
    http = request(app.getHttpServer());
    // On a busy machine a row can take 100 ms (each is several appends): a generous bound, never a fixed wait.
    const done = await untilStatus(jobId, 'completed', 240_000);
    expect(done.progress).toMatchObject({ rowsDone: rows, created: rows, refused: 0, skipped: 0 });

    const registrations = (await registrationsOfTenant()).slice(registeredBefore);
    expect(registrations).toHaveLength(rows);
    expect(new Set(registrations.map((event) => event.streamName)).size).toBe(rows);
    const reported = await report(jobId);
    expect(reported).toHaveLength(rows);
    expect(new Set(reported.map((line) => line.clientId)).size).toBe(rows);
  }, 420_000);
});

