import { randomUUID } from 'node:crypto';
import { ALL_TOPICS, HEADERS, TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { GroupConsumer, createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import {
  KillableService,
  TEST_JWT_SECRET,
  cleanUpServiceEnvironment,
  eventually,
  freePort,
  kafkaBrokers,
  minio,
  removeBucket,
  serviceEnvironment,
  startServiceProcess,
  uniqueName,
} from '@salon/shared/testing';

const LEASE_SECONDS = 3;
const DESKS = 4;
const LOAD_BEFORE_KILL_MS = 3_000;
const LOAD_AFTER_KILL_MS = 5_000;

interface Instance {
  readonly name: 'A' | 'B';
  readonly service: KillableService;
  readonly opsUrl: string;
  dead: boolean;
}

/**
 * Two instances of the clients service (the same event store file, database and topics, as two
 * pods of one Deployment) under registrations from front desks that use either; the one whose
 * relay holds the lease is killed with SIGKILL. The other takes the lease over once it expires and
 * publishes on from the checkpoint: every acknowledged registration reaches the topic and the read
 * model, nothing is lost, and duplicates are only the at-least-once kind (the same event id again),
 * which consumers absorb. Prints its figures (README, "Roles and the relay's lease").
 */
describe('the relay of two clients-service instances, its holder killed under load', () => {
  const prefix = `${uniqueName('t')}.`;
  const server = minio();
  const buckets = { IMPORT_BUCKET: uniqueName('failover-imports'), DATA_EXPORT_BUCKET: uniqueName('failover-exports') };
  const env = serviceEnvironment(uniqueName('relay-failover'), {
    KAFKA_TOPIC_PREFIX: prefix,
    WORKER_LEASE_SECONDS: String(LEASE_SECONDS),
    MINIO_ENDPOINT: `${server.useSSL ? 'https' : 'http'}://${server.endPoint}:${server.port}`,
    MINIO_ACCESS_KEY: server.accessKey,
    MINIO_SECRET_KEY: server.secretKey,
    ...buckets,
  });
  const relayCheck = `worker:${prefix}clients-relay`;
  const kafka = createMessagingClient({ clientId: 'relay-failover-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  const instances: Instance[] = [];
  let reader: GroupConsumer | undefined;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    for (const name of ['A', 'B'] as const) {
      const opsPort = await freePort();
      const service = await startServiceProcess('clients-service', { ...env, OPS_PORT: String(opsPort) });
      instances.push({ name, service, opsUrl: `http://127.0.0.1:${opsPort}`, dead: false });
    }
  }, 180_000);

  afterAll(async () => {
    await reader?.disconnect().catch(() => undefined);
    await Promise.all(instances.map((instance) => instance.service.stop()));
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
    await Promise.all(Object.values(buckets).map((bucket) => removeBucket(bucket)));
  }, 120_000);

  /** The relay's state on the instance's ops port: `publishing` on the lease's holder, `standby` on the other. */
  async function relayState(instance: Instance): Promise<string | undefined> {
    const answer = await fetch(`${instance.opsUrl}/health/ready`).catch(() => undefined);
    if (!answer) return undefined;
    const body = (await answer.json()) as { checks: Record<string, { state?: string }> };
    return body.checks[relayCheck]?.state;
  }

  it('loses nothing: the standby takes over within the lease and publishes every acknowledged registration', async () => {
    const authorization = `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'desk', tenantId: tenant, roles: ['receptionist'], salonIds: ['salon-1'] })}`;
    const holder = await eventually(
      async () => {
        const states = await Promise.all(instances.map(relayState));
        const publishing = instances.filter((_, index) => states[index] === 'publishing');
        return publishing.length === 1 && states.includes('standby') ? publishing[0] : undefined;
      },
      'one relay publishing and one standing by',
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const survivor = instances.find((instance) => instance !== holder) as Instance;

    // Front desks on both instances; a request the dead one cannot answer goes to the other with the same key.
    const acknowledged = new Set<string>();
    let retried = 0;
    let stopping = false;
    let phone = 0;
    const register = async (first: Instance) => {
      const key = randomUUID();
      const number = `+48 600 ${String(100_000 + phone++).padStart(6, '0')}`;
      for (let attempt = 0; attempt < 20; attempt++) {
        const target = attempt === 0 && !first.dead ? first : survivor;
        const answer = await fetch(`${target.service.url}/clients`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json', 'idempotency-key': key, 'x-salon-id': 'salon-1' },
          body: JSON.stringify({ phone: number }),
        }).catch(() => undefined);
        if (answer?.status === 201) return void acknowledged.add(((await answer.json()) as { clientId: string }).clientId);
        if (answer && answer.status < 500) throw new Error(`registration refused: ${answer.status} ${await answer.text()}`);
        retried += 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error('a registration was never acknowledged');
    };
    const desks = Array.from({ length: DESKS }, async (_, desk) => {
      for (let turn = 0; !stopping; turn++) await register(instances[(desk + turn) % 2]);
    });

    await new Promise((resolve) => setTimeout(resolve, LOAD_BEFORE_KILL_MS));
    const beforeKill = acknowledged.size;
    await holder.service.kill();
    holder.dead = true;
    const killedAt = Date.now();
    await eventually(async () => ((await relayState(survivor)) === 'publishing' ? true : undefined), 'the standby to take the relay over', {
      timeoutMs: LEASE_SECONDS * 1000 + 30_000,
      intervalMs: 100,
    });
    const takeoverMs = Date.now() - killedAt;
    await new Promise((resolve) => setTimeout(resolve, LOAD_AFTER_KILL_MS));
    stopping = true;
    await Promise.all(desks);

    // Every acknowledged registration is on the topic (read from its beginning by a group of its own).
    const registered = new Map<string, number>();
    let published = 0;
    reader = kafka.consumer({ groupId: uniqueName('failover-reader') });
    await reader.connect();
    await reader.subscribe({ topics: [prefix + TOPICS.clientEvents.name], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        published += 1;
        if (String(message.headers?.[HEADERS.eventType]) !== 'ClientRegistered') return;
        const clientId = message.key?.toString() ?? '';
        registered.set(clientId, (registered.get(clientId) ?? 0) + 1);
      },
    });
    await eventually(async () => ([...acknowledged].every((clientId) => registered.has(clientId)) ? true : undefined), 'every acknowledged registration on the topic', {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    // And in the survivor's read model.
    await eventually(
      async () => {
        for (const clientId of acknowledged) {
          const card = await fetch(`${survivor.service.url}/clients/${clientId}`, { headers: { authorization } });
          if (card.status !== 200) return undefined;
        }
        return true;
      },
      'every acknowledged client on the card',
      { timeoutMs: 60_000, intervalMs: 500 },
    );

    const duplicated = [...registered.values()].filter((count) => count > 1).length;
    process.stdout.write(
      [
        '',
        '| two instances, relay holder killed | value |',
        '|---|---|',
        `| lease | ${LEASE_SECONDS} s |`,
        `| registrations acknowledged (before the kill) | ${acknowledged.size} (${beforeKill}) |`,
        `| requests sent again (to the survivor) after no answer or a 5xx | ${retried} |`,
        `| kill → the survivor's relay publishing | ${(takeoverMs / 1000).toFixed(1)} s |`,
        `| messages on the clients topic | ${published} |`,
        `| registrations published more than once (same event id, absorbed) | ${duplicated} |`,
        `| acknowledged registrations missing on the topic / card | 0 / 0 |`,
        '',
      ].join('\n'),
    );
    expect(beforeKill).toBeGreaterThan(0);
    expect(acknowledged.size).toBeGreaterThan(beforeKill);
  }, 300_000);
});
