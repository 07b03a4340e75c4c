import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
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
  minioEnvironment,
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

type ServiceName = 'clients-service' | 'visits-service' | 'consent-service' | 'media-service';

interface Instance {
  readonly name: 'A' | 'B';
  readonly service: KillableService;
  readonly opsUrl: string;
  dead: boolean;
}

interface TopicMessage {
  readonly key: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly value: Record<string, unknown>;
}

interface Write {
  readonly method: 'POST' | 'PUT';
  readonly path: string;
  readonly body: Buffer | object;
  readonly contentType?: string;
  /** The status of an acknowledged write. */
  readonly expect: 200 | 201;
}

/** One service's writes under load, and how to find each acknowledged one on its topic afterwards. */
interface FailoverCase {
  readonly service: ServiceName;
  /** Started once beside the two instances: the clients service admits bookings and photos, and has the clients consent is given for. */
  readonly helper?: ServiceName;
  readonly relay: string;
  readonly topic: string;
  /** Runs once before the load: what the writes need (clients of the chain). */
  readonly prepare: (context: { readonly helperUrl?: string; readonly instanceUrl: string; readonly authorization: string }) => Promise<readonly string[]>;
  /** The `turn`-th write of front desk `desk` (a desk's writes go one after the other). */
  readonly write: (desk: number, turn: number, prepared: readonly string[]) => Write;
  /** The id an acknowledged write is known by on the topic. */
  readonly idOfAnswer: (body: Record<string, unknown>, desk: number, turn: number, prepared: readonly string[]) => string;
  /** The ids the topic holds (each message once per event id: a duplicate is the same event again). */
  readonly idsOnTopic: (messages: readonly TopicMessage[]) => Map<string, number>;
  /** Where the survivor shows a write once its read model has it (none for a photo: only the client's latest is shown). */
  readonly readPath?: (id: string) => string;
}

/** Each message's id as `idOf` says, counted (a relay's re-publish counts twice). */
const countIds = (messages: readonly TopicMessage[], eventType: string, idOf: (message: TopicMessage) => string) => {
  const counts = new Map<string, number>();
  for (const message of messages.filter((candidate) => candidate.eventType === eventType)) counts.set(idOf(message), (counts.get(idOf(message)) ?? 0) + 1);
  return counts;
};

/** Clients of the chain, registered through the helper (the clients service). */
const registerClients = async (clientsUrl: string, authorization: string, count: number, first: number) =>
  Promise.all(
    Array.from({ length: count }, async (_, n) => {
      const answer = await fetch(`${clientsUrl}/clients`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json', 'x-salon-id': 'salon-1' },
        body: JSON.stringify({ phone: `+48 601 ${String(first + n).padStart(6, '0')}`, consent: { notifications: true, remindersBySms: false, remindersByEmail: false } }),
      });
      expect(answer.status).toBe(201);
      return ((await answer.json()) as { clientId: string }).clientId;
    }),
  );

let photo: Buffer | undefined;
const aPhoto = async () => (photo ??= await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 90, g: 140, b: 200 } } }).png().toBuffer());

const CASES: readonly FailoverCase[] = [
  {
    service: 'clients-service',
    relay: 'clients-relay',
    topic: TOPICS.clientEvents.name,
    prepare: async () => [],
    write: (desk, turn) => ({ method: 'POST', path: '/clients', body: { phone: `+48 600 ${String(desk * 100_000 + turn).padStart(6, '0')}` }, expect: 201 }),
    idOfAnswer: (body) => body['clientId'] as string,
    idsOnTopic: (messages) => countIds(messages, 'ClientRegistered', (message) => message.key),
    readPath: (id) => `/clients/${id}`,
  },
  {
    service: 'visits-service',
    helper: 'clients-service',
    relay: 'visits-relay',
    topic: TOPICS.visitEvents.name,
    prepare: ({ helperUrl, authorization }) => registerClients(helperUrl as string, authorization, 20, 200_000),
    write: (desk, turn, clients) => {
      const day = 1 + ((desk * 1_000 + turn) % 300);
      return {
        method: 'POST',
        path: '/visits',
        body: { clientId: clients[(desk + turn) % clients.length], salonId: 'salon-1', startsAt: salonLocalTime(day, '10:00').local, endsAt: salonLocalTime(day, '11:00').local, services: [HAIRCUT] },
        expect: 201,
      };
    },
    idOfAnswer: (body) => body['visitId'] as string,
    idsOnTopic: (messages) => countIds(messages, 'VisitBooked', (message) => message.value['visitId'] as string),
    readPath: (id) => `/visits/${id}`,
  },
  {
    service: 'consent-service',
    helper: 'clients-service',
    relay: 'consent-relay',
    topic: TOPICS.consentEvents.name,
    // One client per desk: a desk switches its client's e-mail reminders ON, OFF, ON, … one change at a time.
    prepare: async ({ helperUrl, instanceUrl, authorization }) => {
      const clients = await registerClients(helperUrl as string, authorization, DESKS, 300_000);
      for (const clientId of clients) {
        await eventually(
          async () => ((await (await fetch(`${instanceUrl}/clients/${clientId}/consent`, { headers: { authorization } })).json()) as { status: string }).status === 'open' || undefined,
          'the consent record opened from the registration',
          { timeoutMs: 30_000, intervalMs: 200 },
        );
      }
      return clients;
    },
    write: (desk, turn, clients) => ({
      method: 'PUT',
      path: `/clients/${clients[desk]}/consent/remindersByEmail`,
      body: { granted: turn % 2 === 0, source: 'front-desk' },
      expect: 200,
    }),
    idOfAnswer: (_, desk, turn, clients) => `${clients[desk]}#${turn}`,
    // The n-th change of a client's e-mail reminders on the topic is its desk's n-th acknowledged write.
    idsOnTopic: (messages) => {
      const changes = new Map<string, string[]>();
      const counts = new Map<string, number>();
      for (const message of messages.filter((candidate) => ['ConsentGranted', 'ConsentWithdrawn'].includes(candidate.eventType) && candidate.value['permission'] === 'remindersByEmail')) {
        const seen = changes.get(message.key) ?? [];
        const index = seen.indexOf(message.eventId);
        const ordinal = index >= 0 ? index : seen.push(message.eventId) - 1;
        changes.set(message.key, seen);
        counts.set(`${message.key}#${ordinal}`, (counts.get(`${message.key}#${ordinal}`) ?? 0) + 1);
      }
      return counts;
    },
  },
  {
    service: 'media-service',
    helper: 'clients-service',
    relay: 'media-relay',
    topic: TOPICS.photoEvents.name,
    prepare: ({ helperUrl, authorization }) => registerClients(helperUrl as string, authorization, 20, 400_000),
    write: (desk, turn, clients) => ({ method: 'PUT', path: `/clients/${clients[(desk * 5 + turn) % clients.length]}/photo`, body: photo as Buffer, contentType: 'image/png', expect: 200 }),
    idOfAnswer: (body) => body['photoId'] as string,
    idsOnTopic: (messages) => countIds(messages, 'ClientPhotoStored', (message) => message.value['photoId'] as string),
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
  const buckets = { IMPORT_BUCKET: uniqueName('failover-imports'), DATA_EXPORT_BUCKET: uniqueName('failover-exports'), MEDIA_BUCKET: uniqueName('failover-photos') };
  const env = serviceEnvironment(uniqueName('relay-failover'), {
    KAFKA_TOPIC_PREFIX: prefix,
    WORKER_LEASE_SECONDS: String(LEASE_SECONDS),
    ...minioEnvironment(),
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
    await aPhoto();
    const prepared = await failover.prepare({ helperUrl: helper?.url, instanceUrl: instances[0].service.url, authorization });
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
    const writeOnce = async (first: Instance, desk: number, turn: number) => {
      const key = randomUUID();
      const write = failover.write(desk, turn, prepared);
      for (let attempt = 0; attempt < 20; attempt++) {
        const target = attempt === 0 && !first.dead ? first : survivor;
        const answer = await fetch(`${target.service.url}${write.path}`, {
          method: write.method,
          headers: { authorization, 'content-type': write.contentType ?? 'application/json', 'idempotency-key': key, 'x-salon-id': 'salon-1' },
          body: Buffer.isBuffer(write.body) ? new Uint8Array(write.body) : JSON.stringify(write.body),
        }).catch(() => undefined);
        if (answer?.status === write.expect) return void acknowledged.add(failover.idOfAnswer((await answer.json()) as Record<string, unknown>, desk, turn, prepared));
        if (answer && answer.status < 500) throw new Error(`a write was refused: ${answer.status} ${await answer.text()}`);
        retried += 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error('a write was never acknowledged');
    };
    const desks = Array.from({ length: DESKS }, async (_, desk) => {
      for (let turn = 0; !stopping; turn++) await writeOnce(instances[(desk + turn) % 2], desk, turn);
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
    const messages: TopicMessage[] = [];
    reader = kafka.consumer({ groupId: uniqueName('failover-reader') });
    await reader.connect();
    await reader.subscribe({ topics: [prefix + failover.topic], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        messages.push({
          key: message.key?.toString() ?? '',
          eventId: String(message.headers?.[HEADERS.eventId]),
          eventType: String(message.headers?.[HEADERS.eventType]),
          value: message.value ? (JSON.parse(message.value.toString()) as Record<string, unknown>) : {},
        });
      },
    });
    const recorded = await eventually(
      async () => {
        const ids = failover.idsOnTopic(messages);
        return [...acknowledged].every((id) => ids.has(id)) ? ids : undefined;
      },
      'every acknowledged write on the topic',
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const published = messages.length;
    // And in the survivor's read model.
    const readPath = failover.readPath;
    if (readPath) {
      await eventually(
        async () => {
          for (const id of acknowledged) {
            const shown = await fetch(`${survivor.service.url}${readPath(id)}`, { headers: { authorization } });
            if (shown.status !== 200) return undefined;
          }
          return true;
        },
        'every acknowledged write in the read model',
        { timeoutMs: 60_000, intervalMs: 500 },
      );
    }

    const duplicated = [...recorded.values()].filter((count) => count > 1).length;
    process.stdout.write(
      [
        '',
        `| two ${failover.service} instances, relay holder killed | value |`,
        '|---|---|',
        `| lease | ${LEASE_SECONDS} s |`,
        `| writes acknowledged (before the kill) | ${acknowledged.size} (${beforeKill}) |`,
        `| requests sent again (to the survivor) after no answer or a 5xx | ${retried} |`,
        `| kill → the survivor's relay publishing | ${(takeoverMs / 1000).toFixed(1)} s |`,
        `| messages on the topic | ${published} |`,
        `| writes published more than once (the same event again, absorbed) | ${duplicated} |`,
        `| acknowledged writes missing on the topic${readPath ? ' / in the read model' : ''} | 0${readPath ? ' / 0' : ''} |`,
        '',
      ].join('\n'),
    );
    expect(beforeKill).toBeGreaterThan(0);
    expect(acknowledged.size).toBeGreaterThan(beforeKill);
  }, 300_000);
});
