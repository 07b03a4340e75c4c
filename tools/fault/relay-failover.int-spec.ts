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
  salonLocalTime,
  uniqueName,
} from '@salon/shared/testing';

const LEASE_SECONDS = 3;
const DESKS = 4;
const LOAD_BEFORE_KILL_MS = 3_000;
const LOAD_AFTER_KILL_MS = 5_000;
const HAIRCUT = { serviceId: 'svc-cut', name: 'Haircut', price: 40, durationMinutes: 45, specialistId: 'staff-anna', specialistName: 'Anna Nowak' };

type ServiceName = 'clients-service' | 'visits-service';

interface Instance {
  readonly name: 'A' | 'B';
  readonly service: KillableService;
  readonly opsUrl: string;
  dead: boolean;
}

/** One write of the load: the request, and how to find what it recorded on the topic. */
interface FailoverCase {
  readonly service: ServiceName;
  /** Started once beside the two instances (the visits service admits bookings through the clients service). */
  readonly helper?: ServiceName;
  readonly relay: string;
  readonly topic: string;
  readonly eventType: string;
  /** Runs once before the load, against the helper: what the writes need (clients to book for). */
  readonly prepare: (helperUrl: string | undefined, authorization: string) => Promise<readonly string[]>;
  readonly write: (n: number, prepared: readonly string[]) => { readonly path: string; readonly body: unknown };
  /** The id an acknowledged write answered with, and the id its message carries. */
  readonly idOfAnswer: (body: Record<string, unknown>) => string;
  readonly idOfMessage: (key: string, value: Record<string, unknown>) => string;
  /** Where the survivor shows the write once its read model has it. */
  readonly readPath: (id: string) => string;
}

const CASES: readonly FailoverCase[] = [
  {
    service: 'clients-service',
    relay: 'clients-relay',
    topic: TOPICS.clientEvents.name,
    eventType: 'ClientRegistered',
    prepare: async () => [],
    write: (n) => ({ path: '/clients', body: { phone: `+48 600 ${String(100_000 + n).padStart(6, '0')}` } }),
    idOfAnswer: (body) => body['clientId'] as string,
    idOfMessage: (key) => key,
    readPath: (id) => `/clients/${id}`,
  },
  {
    service: 'visits-service',
    helper: 'clients-service',
    relay: 'visits-relay',
    topic: TOPICS.visitEvents.name,
    eventType: 'VisitBooked',
    // Twenty clients of the chain, each booked again and again (on different days).
    prepare: async (clientsUrl, authorization) =>
      Promise.all(
        Array.from({ length: 20 }, async (_, n) => {
          const answer = await fetch(`${clientsUrl}/clients`, {
            method: 'POST',
            headers: { authorization, 'content-type': 'application/json', 'x-salon-id': 'salon-1' },
            body: JSON.stringify({ phone: `+48 601 ${String(200_000 + n).padStart(6, '0')}` }),
          });
          expect(answer.status).toBe(201);
          return ((await answer.json()) as { clientId: string }).clientId;
        }),
      ),
    write: (n, clients) => ({
      path: '/visits',
      body: {
        clientId: clients[n % clients.length],
        salonId: 'salon-1',
        startsAt: salonLocalTime(1 + (n % 300), '10:00').local,
        endsAt: salonLocalTime(1 + (n % 300), '11:00').local,
        services: [HAIRCUT],
      },
    }),
    idOfAnswer: (body) => body['visitId'] as string,
    idOfMessage: (_, value) => value['visitId'] as string,
    readPath: (id) => `/visits/${id}`,
  },
];

/**
 * Two instances of a service (the same event store file, database and topics, as two pods of one
 * Deployment) under writes from front desks that use either; the one whose relay holds the lease
 * is killed with SIGKILL. The other takes the lease over once it expires and publishes on from
 * the checkpoint: every acknowledged write reaches the topic and the read model, nothing is lost,
 * and duplicates are only the at-least-once kind (the same event again), which consumers absorb.
 * Prints its figures (README, "Roles and the relay's lease").
 */
describe.each(CASES)('the relay of two $service instances, its holder killed under load', (failover) => {
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
  const relayCheck = `worker:${prefix}${failover.relay}`;
  const kafka = createMessagingClient({ clientId: 'relay-failover-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  const instances: Instance[] = [];
  let helper: KillableService | undefined;
  let reader: GroupConsumer | undefined;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    if (failover.helper) {
      helper = await startServiceProcess(failover.helper, env);
      env['CLIENTS_SERVICE_URL'] = helper.url;
    }
    for (const name of ['A', 'B'] as const) {
      const opsPort = await freePort();
      const service = await startServiceProcess(failover.service, { ...env, OPS_PORT: String(opsPort) });
      instances.push({ name, service, opsUrl: `http://127.0.0.1:${opsPort}`, dead: false });
    }
  }, 180_000);

  afterAll(async () => {
    await reader?.disconnect().catch(() => undefined);
    await Promise.all([...instances.map((instance) => instance.service.stop()), helper?.stop()]);
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

  it('loses nothing: the standby takes over within the lease and publishes every acknowledged write', async () => {
    const authorization = `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'desk', tenantId: tenant, roles: ['receptionist'], salonIds: ['salon-1'] })}`;
    const prepared = await failover.prepare(helper?.url, authorization);
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
    let written = 0;
    const writeOnce = async (first: Instance) => {
      const key = randomUUID();
      const { path, body } = failover.write(written++, prepared);
      for (let attempt = 0; attempt < 20; attempt++) {
        const target = attempt === 0 && !first.dead ? first : survivor;
        const answer = await fetch(`${target.service.url}${path}`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json', 'idempotency-key': key, 'x-salon-id': 'salon-1' },
          body: JSON.stringify(body),
        }).catch(() => undefined);
        if (answer?.status === 201) return void acknowledged.add(failover.idOfAnswer((await answer.json()) as Record<string, unknown>));
        if (answer && answer.status < 500) throw new Error(`a write was refused: ${answer.status} ${await answer.text()}`);
        retried += 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error('a write was never acknowledged');
    };
    const desks = Array.from({ length: DESKS }, async (_, desk) => {
      for (let turn = 0; !stopping; turn++) await writeOnce(instances[(desk + turn) % 2]);
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

    // Every acknowledged write is on the topic (read from its beginning by a group of its own).
    const recorded = new Map<string, number>();
    let published = 0;
    reader = kafka.consumer({ groupId: uniqueName('failover-reader') });
    await reader.connect();
    await reader.subscribe({ topics: [prefix + failover.topic], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        published += 1;
        if (String(message.headers?.[HEADERS.eventType]) !== failover.eventType) return;
        const id = failover.idOfMessage(message.key?.toString() ?? '', JSON.parse(message.value?.toString() ?? '{}') as Record<string, unknown>);
        recorded.set(id, (recorded.get(id) ?? 0) + 1);
      },
    });
    await eventually(async () => ([...acknowledged].every((id) => recorded.has(id)) ? true : undefined), 'every acknowledged write on the topic', {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    // And in the survivor's read model.
    await eventually(
      async () => {
        for (const id of acknowledged) {
          const shown = await fetch(`${survivor.service.url}${failover.readPath(id)}`, { headers: { authorization } });
          if (shown.status !== 200) return undefined;
        }
        return true;
      },
      'every acknowledged write in the read model',
      { timeoutMs: 60_000, intervalMs: 500 },
    );

    const duplicated = [...recorded.values()].filter((count) => count > 1).length;
    process.stdout.write(
      [
        '',
        `| two ${failover.service} instances, relay holder killed | value |`,
        '|---|---|',
        `| lease | ${LEASE_SECONDS} s |`,
        `| writes acknowledged (${failover.eventType}; before the kill) | ${acknowledged.size} (${beforeKill}) |`,
        `| requests sent again (to the survivor) after no answer or a 5xx | ${retried} |`,
        `| kill → the survivor's relay publishing | ${(takeoverMs / 1000).toFixed(1)} s |`,
        `| messages on the topic | ${published} |`,
        `| writes published more than once (the same event again, absorbed) | ${duplicated} |`,
        `| acknowledged writes missing on the topic / in the read model | 0 / 0 |`,
        '',
      ].join('\n'),
    );
    expect(beforeKill).toBeGreaterThan(0);
    expect(acknowledged.size).toBeGreaterThan(beforeKill);
  }, 300_000);
});
