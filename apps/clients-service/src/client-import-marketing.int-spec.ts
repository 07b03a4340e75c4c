import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
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

/**
 * Written marketing consent in an import, end to end: the clients service (in this process) imports
 * a csv whose rows say the client agreed to the newsletter / marketing SMS and name the signed form;
 * the consent service (a process of its own, as in production) reads the registration from Kafka
 * and records the consent with source `import` and the evidence, which its own API then shows. A
 * yes without evidence is never taken, a reference that could hold the person's name refuses the
 * row in the dry run, and an existing client's consent is left as it is.
 */
describe('client import: written marketing consent reaches the consent context', () => {
  const prefix = `${uniqueName('t')}.`;
  const server = minio();
  const bucket = uniqueName('client-imports-marketing');
  const env = serviceEnvironment(uniqueName('clients-import-marketing'), {
    KAFKA_TOPIC_PREFIX: prefix,
    DEFAULT_PHONE_COUNTRY: 'PL',
    MINIO_ENDPOINT: `${server.useSSL ? 'https' : 'http'}://${server.endPoint}:${server.port}`,
    MINIO_ACCESS_KEY: server.accessKey,
    MINIO_SECRET_KEY: server.secretKey,
    IMPORT_BUCKET: bucket,
  });
  const kafka = createMessagingClient({ clientId: 'clients-import-marketing-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let app: INestApplication;
  let consent: RunningService;
  let http: ReturnType<typeof request>;
  let manager: string;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startClientsApp(env);
    consent = await startServiceProcess('consent-service', env);
    http = request(app.getHttpServer());
    // The manager works at one salon: the import (and the consent it records) names it.
    manager = `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'manager-1', tenantId: tenant, roles: ['manager'], salonIds: ['salon-1'] })}`;
  }, 120_000);

  afterAll(async () => {
    await consent?.stop();
    await app?.close();
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
    await removeBucket(bucket);
  });

  const consentApi = async (path: string) => {
    const response = await fetch(`${consent.url}${path}`, { headers: { authorization: manager } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  const job = async (jobId: string) => (await http.get(`/clients/imports/${jobId}`).set('Authorization', manager).expect(200)).body;
  const untilStatus = (jobId: string, status: string) =>
    eventually(
      async () => {
        const current = await job(jobId);
        if (current.status === 'failed') throw new Error(`the import failed: ${JSON.stringify(current.failure)}`);
        return current.status === status ? current : undefined;
      },
      `the import to be ${status}`,
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  const report = async (jobId: string) => {
    const response = await http.get(`/clients/imports/${jobId}/report`).query({ format: 'csv' }).set('Authorization', manager).buffer(true).expect(200);
    return response.text
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter((line) => line !== '')
      .slice(1)
      .map((line) => {
        const [row, outcome, clientId, field, ...reason] = line.split(',');
        return { row: Number(row), outcome, clientId, field, reason: reason.join(',') };
      });
  };

  it('records an imported yes with a document reference as consent given through the import, with its evidence; refuses the rest with field and reason', async () => {
    const existing = await http.post('/clients').set('Authorization', manager).send({ phone: '+48 601 400 999', firstName: 'Stała' }).expect(201);
    const existingClientId = existing.body.clientId as string;
    const lines = [
      'Imię;Telefon;E-mail;Newsletter;SMS marketingowe;Dokument zgody marketingowej;Wersja treści zgody',
      'Łucja;601 400 001;lucja@example.com;tak;tak;ZG-2024/0017;',
      'Anna;601 400 002;anna@example.com;tak;;;',
      'Ewa;601 400 003;;tak;;Ewa Nowak;',
      'Zofia;22 123 45 67;zofia@example.com;tak;tak;;marketing-v3',
      'Maria;601 400 999;;tak;tak;ZG-2024/0099;',
    ];
    const uploaded = await http
      .post('/clients/imports')
      .query({ fileName: 'klienci.csv' })
      .set('Authorization', manager)
      .set('Content-Type', 'text/csv')
      .send(Buffer.from(lines.join('\r\n') + '\r\n', 'utf8'))
      .expect(201);
    expect(uploaded.body.unknownColumns).toEqual([]);
    const jobId = uploaded.body.jobId as string;

    await http.post(`/clients/imports/${jobId}/dry-run`).set('Authorization', manager).send({ existingClients: 'overwrite' }).expect(202);
    await untilStatus(jobId, 'dry-run-completed');
    const tried = await report(jobId);
    expect(tried.map(({ row, outcome, field }) => [row, outcome, field])).toEqual([
      [2, 'create', ''],
      // Never inferred: a yes without what was signed is refused for that cell; the client is imported without marketing.
      [3, 'create', 'newsletter'],
      // A reference that could be the person's name would be refused by the consent context: the row is refused now.
      [4, 'refused', 'marketingConsentDocumentRef'],
      // A landline takes the newsletter with its evidence, not marketing SMS.
      [5, 'create', 'marketingSms'],
      // An existing client's profile is overwritten (the name), their consent never, whatever the policy.
      [6, 'update', 'newsletter'],
      [6, 'update', 'marketingSms'],
    ]);
    expect(tried[1].reason).toContain('document reference or consent-text version');
    expect(tried[2].reason).toContain('archive or form id');
    expect(tried[2].reason).not.toContain('Ewa Nowak');
    expect(tried[3].reason).toContain('landline');
    expect(tried[4].clientId).toBe(existingClientId);
    expect(tried[4].reason).toContain('not changed by an import');

    await http.post(`/clients/imports/${jobId}/run`).set('Authorization', manager).send({ existingClients: 'overwrite' }).expect(202);
    await untilStatus(jobId, 'completed');
    const created = (await report(jobId)).filter((line) => line.outcome === 'create');
    expect(created.map((line) => line.row)).toEqual([2, 3, 5]);
    const [lucja, anna, zofia] = created.map((line) => line.clientId);

    // The consent service records the registration's consent, then each marketing grant.
    const stateOf = (clientId: string, revision: string) =>
      eventually(async () => {
        const { status, body } = await consentApi(`/clients/${clientId}/consent`);
        return status === 200 && body['revision'] === revision ? body : undefined;
      }, 'the imported consent in the consent service', { timeoutMs: 90_000, intervalMs: 300 });

    const lucjaConsent = await stateOf(lucja, '2');
    expect(lucjaConsent).toMatchObject({ status: 'open', switches: { newsletter: true, marketingSms: true } });
    const evidence = { documentRef: 'ZG-2024/0017', collectedBy: 'manager-1', salonId: 'salon-1' };
    expect(lucjaConsent['marketingEvidence']).toEqual({
      newsletter: { ...evidence, signedAt: expect.any(String) },
      marketingSms: { ...evidence, signedAt: expect.any(String) },
    });
    for (const channel of ['email', 'sms']) {
      const answer = await consentApi(`/clients/${lucja}/consent/may-contact?purpose=marketing&channel=${channel}`);
      expect(answer).toMatchObject({ status: 200, body: { allowed: true, reason: 'allowed' } });
    }
    const history = (await consentApi(`/clients/${lucja}/consent/history`)).body['changes'] as { type: string }[];
    expect(history.filter((change) => change.type === 'MarketingConsentGranted')).toEqual([
      expect.objectContaining({ source: 'import', actorId: 'manager-1', salonId: 'salon-1', data: expect.objectContaining({ permission: 'newsletter', evidence: expect.objectContaining(evidence) }) }),
      expect.objectContaining({ source: 'import', actorId: 'manager-1', salonId: 'salon-1', data: expect.objectContaining({ permission: 'marketingSms', evidence: expect.objectContaining(evidence) }) }),
    ]);

    const zofiaConsent = await stateOf(zofia, '1');
    expect(zofiaConsent).toMatchObject({ smsCapable: false, switches: { newsletter: true, marketingSms: false } });
    expect(zofiaConsent['marketingEvidence']).toMatchObject({ newsletter: { consentTextVersion: 'marketing-v3' }, marketingSms: null });

    // A yes without evidence recorded no marketing: the record opened with marketing OFF.
    await stateOf(anna, '0');
    const annaAnswer = await consentApi(`/clients/${anna}/consent/may-contact?purpose=marketing&channel=email`);
    expect(annaAnswer.body).toMatchObject({ allowed: false, reason: 'no-written-marketing-consent' });
    // The existing client's record is as the front desk left it.
    const existingConsent = await stateOf(existingClientId, '0');
    expect(existingConsent).toMatchObject({ switches: { newsletter: false, marketingSms: false } });
  }, 180_000);
});

