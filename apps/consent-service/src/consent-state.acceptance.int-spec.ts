import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ALL_TOPICS, CONTACT_CHANNELS_V1, CONTACT_PURPOSES_V1, ConsentStateV1, TOPICS } from '@salon/contracts';
import { CONSENT_PERMISSIONS, ConsentSource } from '@salon/consent/domain';
import { GetConsent, SetConsent, WithdrawAllMarketing } from '@salon/consent/feature';
import { CommandContext } from '@salon/shared/nest';
import { signDevelopmentToken } from '@salon/shared/auth';
import { DomainError } from '@salon/shared/ddd';
import { MessageProducer, MessagingClient, createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { TEST_JWT_SECRET, eventually, kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { ClientMessage, FakeClientsContext, cleanUp, rebuildConsentTable, startConsentApp } from './test/consent-test-kit';

const CLIENTS = 1_000;
const SOURCES: readonly ConsentSource[] = ['front-desk', 'import', 'client-request'];

/** A seeded generator, so that a failing run can be replayed (the seed is printed on failure). */
function generator(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  return {
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    int: (max: number) => Math.floor(next() * max),
  };
}

async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    await Promise.all(items.slice(start, start + size).map(work));
  }
}

/** Whether the consent policy's group has committed every message of the clients topic. */
async function policyCaughtUp(kafka: MessagingClient, prefix: string): Promise<true | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topic = prefix + TOPICS.clientEvents.name;
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId: `${prefix}consent.client-events-policy`, topics: [topic] });
    const done = ends.every((end) => {
      const offset = committed?.partitions.find((partition) => partition.partition === end.partition)?.offset ?? '-1';
      return end.high === '0' || Number(offset) >= Number(end.high);
    });
    return done ? true : undefined;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Acceptance: a fresh consumer group reading `consent.consent-state.v1` from the beginning
 * rebuilds exactly the current permissions of every client, as the query endpoint answers them,
 * for 1,000 generated clients with random changes (registrations, grants and withdrawals with and
 * without evidence, one-call marketing withdrawals, phone changes, deletions and erasures).
 */
describe('consent.consent-state.v1 rebuilds every client (1,000 clients)', () => {
  const seed = Number(process.env.CONSENT_SEED ?? Date.now() % 1_000_000);
  const random = generator(seed);
  const prefix = `${uniqueName('t')}.`;
  const database = uniqueName('consent-acceptance');
  const env = serviceEnvironment(database, { KAFKA_TOPIC_PREFIX: prefix });
  const kafka = createMessagingClient({ clientId: 'consent-acceptance-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  let app: INestApplication;
  let producer: MessageProducer;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    app = await startConsentApp(env);
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    await cleanUp(kafka, prefix, env.MONGO_URL);
  });

  it(
    'matches the query endpoint for every client and every purpose by channel',
    async () => {
      const started = Date.now();
      const progress = (step: string) => process.stderr.write(`[consent acceptance] ${((Date.now() - started) / 1000).toFixed(1)} s: ${step}\n`);
      const [getConsent, setConsent, withdrawAllMarketing] = [app.get(GetConsent), app.get(SetConsent), app.get(WithdrawAllMarketing)];
      const clients = new FakeClientsContext(producer, prefix, tenant);
      const ids = Array.from({ length: CLIENTS }, () => randomUUID());

      // 1. Registrations, through Kafka as the clients context publishes them.
      const registrations: ClientMessage[] = [];
      for (const clientId of ids) {
        registrations.push(
          await clients.registration(clientId, {
            smsCapable: random.chance(0.8),
            email: random.chance(0.7) ? `${clientId.slice(0, 8)}@example.com` : undefined,
            initialConsent: {
              ...(random.chance(0.3) ? { notifications: random.chance(0.5) } : {}),
              ...(random.chance(0.3) ? { remindersByEmail: random.chance(0.5) } : {}),
            },
          }),
        );
      }
      for (let start = 0; start < registrations.length; start += 200) await clients.send(registrations.slice(start, start + 200));
      await eventually(
        async () => {
          for (const clientId of ids) if ((await getConsent.execute(tenant, clientId)).state.status === 'none') return undefined;
          return true;
        },
        'every registration to be applied',
        { timeoutMs: 60_000, intervalMs: 500 },
      );

      progress('Random');
      // 2. Random changes by the front desk (the use-case services), refusals included (a landline, a closed record).
      const staff = (salonId: string): CommandContext => ({
        principal: { userId: `staff-${random.int(20)}`, tenantId: tenant, roles: ['receptionist'], salonIds: [salonId] },
        correlationId: randomUUID(),
        salonId,
      });
      let refused = 0;
      const change = async (clientId: string) => {
        const changes = random.int(6);
        for (let i = 0; i < changes; i++) {
          const salonId = `salon-${random.int(5)}`;
          const permission = random.pick(CONSENT_PERMISSIONS);
          const source = random.pick(SOURCES);
          try {
            if (random.chance(0.1)) {
              await withdrawAllMarketing.execute(staff(salonId), clientId, source);
            } else {
              const granted = random.chance(0.6);
              const evidence = {
                documentRef: `FORM-${random.int(100_000)}`,
                signedAt: new Date(Date.now() - 60_000 - random.int(86_400_000)).toISOString(),
                collectedBy: 'staff-1',
                salonId,
              };
              await setConsent.execute(staff(salonId), clientId, permission, { granted, source, evidence });
            }
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            refused++;
          }
        }
      };
      await inBatches(ids, 50, change);

      progress('Phone');
      // 3. Phone changes, deletions and erasures, through Kafka; then a few more front-desk changes.
      const fromClients: ClientMessage[] = [];
      const closed = new Set<string>();
      for (const clientId of ids) {
        if (random.chance(0.15)) fromClients.push(clients.profileEdited(clientId, random.chance(0.5)));
        if (random.chance(0.05)) {
          fromClients.push(random.chance(0.5) ? clients.deleted(clientId) : clients.erased(clientId));
          closed.add(clientId);
        }
      }
      await clients.send(fromClients);
      await eventually(
        async () => {
          for (const clientId of closed) if ((await getConsent.execute(tenant, clientId)).state.status !== 'closed') return undefined;
          return true;
        },
        'the deletions and erasures to be applied',
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      // Phone changes leave no trace to wait for: wait until the policy has consumed the whole topic.
      await eventually(() => policyCaughtUp(kafka, prefix), 'the client-events policy to catch up', { timeoutMs: 60_000, intervalMs: 250 });
      await inBatches(
        ids.filter(() => random.chance(0.2)),
        50,
        change,
      );

      progress('What');
      // 4. What the ledger says now: the version every client's latest state must have.
      const expectedVersion = new Map<string, number>();
      for (const clientId of ids) {
        const { state, revision } = await getConsent.execute(tenant, clientId);
        if (state.status === 'open') expectedVersion.set(clientId, Number(revision) + 1);
      }

      progress('A fresh');
      // 5. A fresh consumer group rebuilds the table from the beginning of the compacted topic.
      const { table, tombstones } = await rebuildConsentTable(
        kafka,
        prefix,
        (current, gone) =>
          [...expectedVersion].every(([clientId, version]) => current.get(clientId)?.version === version) &&
          [...closed].every((clientId) => gone.has(clientId)),
        90_000,
      );
      expect(table.size).toBe(expectedVersion.size);
      expect([...tombstones].sort()).toEqual([...closed].sort());

      progress('Compare');
      // 6. Compare with the query endpoints for every client.
      const auth = `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'notifier', tenantId: tenant, roles: ['manager'] })}`;
      // One listening server for the thousands of queries (supertest would open one per request).
      await app.listen(0, '127.0.0.1');
      const http = request(app.getHttpServer());
      const mismatches: string[] = [];
      await inBatches(ids, 10, async (clientId) => {
        const published = table.get(clientId) as ConsentStateV1 | undefined;
        const consent = (await http.get(`/clients/${clientId}/consent`).set('Authorization', auth)).body;
        if (published === undefined) {
          if (consent.status !== 'closed') mismatches.push(`${clientId}: no published state but status ${consent.status}`);
        } else {
          if (consent.status !== 'open') mismatches.push(`${clientId}: published but status ${consent.status}`);
          if (JSON.stringify(consent.switches) !== JSON.stringify(published.switches)) {
            mismatches.push(`${clientId}: switches ${JSON.stringify(consent.switches)} vs ${JSON.stringify(published.switches)}`);
          }
          if (consent.smsCapable !== published.smsCapable) mismatches.push(`${clientId}: smsCapable`);
        }
        for (const purpose of CONTACT_PURPOSES_V1) {
          for (const channel of CONTACT_CHANNELS_V1) {
            const answer = (
              await http.get(`/clients/${clientId}/consent/may-contact`).query({ purpose, channel }).set('Authorization', auth)
            ).body;
            // A sender holding no key must not send: the query says why (the record is closed).
            const fromTable: { allowed: boolean; reason?: string } = published?.permissions[purpose][channel] ?? { allowed: false };
            if (answer.allowed !== fromTable.allowed || (published && answer.reason !== fromTable.reason)) {
              mismatches.push(`${clientId} ${purpose}/${channel}: query ${JSON.stringify(answer)} vs topic ${JSON.stringify(fromTable)}`);
            }
            if (!published && answer.reason !== 'client-closed') mismatches.push(`${clientId}: ${answer.reason} for a closed client`);
          }
        }
      });
      if (mismatches.length > 0) throw new Error(`seed ${seed}: ${mismatches.length} mismatches\n${mismatches.slice(0, 20).join('\n')}`);

      // The generated changes really exercised the rules.
      const states = [...table.values()];
      expect(refused).toBeGreaterThan(0);
      expect(closed.size).toBeGreaterThan(0);
      expect(states.some((state) => state.switches.newsletter)).toBe(true);
      expect(states.some((state) => !state.switches.notifications)).toBe(true);
      expect(states.some((state) => !state.smsCapable)).toBe(true);
    },
    180_000,
  );
});
