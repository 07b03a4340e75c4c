import { INestApplication } from '@nestjs/common';
import mongoose from 'mongoose';
import request from 'supertest';
import { CLIENT_PROFILES_COLLECTION } from '@salon/clients/feature';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { ReadModelVersions, createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { TEST_JWT_SECRET, cleanUpServiceEnvironment, eventually, kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { startClientsApp } from './test/clients-test-kit';

const PERSONAL = ['firstName', 'lastName', 'phone', 'email', 'search'];

/**
 * A rebuild switches readers to `client_profiles_v2` and leaves `_v1` for the grace period
 * (READ_MODEL_RETIRE_AFTER_SECONDS, left at its default here so nothing is dropped during the
 * test): an erasure or a deletion in that period must reach both versions, or `_v1` would keep
 * the client's name and phone in clear until it is dropped.
 */
describe('clients service: erasure during a rebuild\'s grace period', () => {
  const prefix = `${uniqueName('t')}.`;
  const env = serviceEnvironment(uniqueName('clients-versions'), { KAFKA_TOPIC_PREFIX: prefix });
  const kafka = createMessagingClient({ clientId: 'clients-versions-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let mongo: mongoose.Connection;
  let authorization: string;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startClientsApp(env);
    http = request(app.getHttpServer());
    mongo = await mongoose.createConnection(env.MONGO_URL).asPromise();
    authorization = `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'desk-1', tenantId: tenant, roles: ['manager'] })}`;
  });
  afterAll(async () => {
    await mongo?.close();
    await app?.close();
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
  });

  const register = async (phone: string, firstName: string): Promise<string> => {
    const { body } = await http.post('/clients').set('Authorization', authorization).send({ phone, firstName, lastName: 'Nowak', email: `${firstName.toLowerCase()}@example.com` }).expect(201);
    await eventually(async () => ((await http.get(`/clients/${body.clientId}`).set('Authorization', authorization)).status === 200 ? true : undefined), 'the card to appear');
    return body.clientId;
  };
  const card = (collection: string, clientId: string) => mongo.collection(collection).findOne({ _id: clientId as never });

  it('removes an erased or deleted client from the superseded version, and the active version anonymises it', async () => {
    const erased = await register('+48607200001', 'Erased');
    const deleted = await register('+48607200002', 'Deleted');
    const kept = await register('+48607200003', 'Kept');

    // What a rebuild leaves: readers switched to version 2 (its documents equal the live ones,
    // see rebuildProjection's tests), version 1 still there for queries under way.
    const versions = new ReadModelVersions(mongo);
    const v1 = `${CLIENT_PROFILES_COLLECTION}_v1`;
    const v2 = `${CLIENT_PROFILES_COLLECTION}_v2`;
    await mongo.collection(v2).insertMany(await mongo.collection(v1).find().toArray());
    await versions.switchTo(CLIENT_PROFILES_COLLECTION, 2);
    expect(await versions.existing(CLIENT_PROFILES_COLLECTION)).toMatchObject({ active: v2, superseded: [v1] });
    expect(await card(v1, erased)).toMatchObject({ firstName: 'Erased', phone: '+48607200001' });

    await http.post(`/clients/${erased}/erasure`).set('Authorization', authorization).expect(200);
    await http.delete(`/clients/${deleted}`).set('Authorization', authorization).expect(204);

    await eventually(async () => ((await card(v1, erased)) === null && (await card(v1, deleted)) === null ? true : undefined), 'the superseded version to lose both cards');
    await eventually(async () => ((await card(v2, erased))?.status === 'erased' ? true : undefined), 'the active version to show the erasure');
    const anonymised = await card(v2, erased);
    for (const field of PERSONAL) expect(anonymised).not.toHaveProperty(field);
    expect(JSON.stringify(anonymised)).not.toMatch(/Erased|Nowak|607200001|erased@example/);
    const archived = await http.get(`/clients/${erased}`).set('Authorization', authorization).expect(200);
    expect(JSON.stringify(archived.body)).not.toMatch(/Erased|Nowak|607200001|erased@example/);

    // The others' cards stay readable in the old version until it is dropped.
    expect(await card(v1, kept)).toMatchObject({ firstName: 'Kept' });
  });
});
