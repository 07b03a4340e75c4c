/**
 * `npm run bench:api [-- --seconds 10 --clients 3000 --profile 1]`: fixed-rate load on the write
 * and read routes of the front desk, the clients, visits and consent services running as
 * processes of their own exactly as `npm start` runs them, against the local servers (start
 * them with `npm run infra start`). Per route: the asked rate, the served rate, latency
 * p50/p90/p99/max and the errors; Markdown on stdout, progress on stderr. Loopback only, bounded
 * in time (about `seconds` per route plus the seeding); everything it creates (database, topics,
 * event store file, logs) is removed afterwards.
 *
 * `--profile 1` runs the clients service with `--cpu-prof` and prints where its CPU time went
 * (by self time, and the repository's own functions by total time) while it served the load.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { GENEROUS_RATE_LIMITS, cleanUpServiceEnvironment, eventually, kafkaBrokers, mongoUrl, salonLocalTime, uniqueName } from '@salon/shared/testing';
import { ServiceName, ServiceProcess, portAnswers } from '../fault/processes';
import { HttpCall, HttpTarget, LoadResult, fixedRateLoad, inParallel } from './fixed-rate-load';
import { summariseProfile } from './cpu-profile';
import { bulletList, Cleanup, machineFacts, markdownTable, parseCli, progress, resolveOptions, setProgressLabel } from './support';

const OPTIONS = {
  seconds: { env: 'BENCH_API_SECONDS', default: 10, description: 'seconds of load per route' },
  connections: { env: 'BENCH_API_CONNECTIONS', default: 20, description: 'connections (requests in flight at most) per route' },
  clients: { env: 'BENCH_API_CLIENTS', default: 3000, description: 'clients seeded in the chain before the reads (name search runs over them)' },
  'register-rate': { env: 'BENCH_API_REGISTER_RATE', default: 300, description: 'asked rate of POST /clients' },
  'write-rate': { env: 'BENCH_API_WRITE_RATE', default: 200, description: 'asked rate of the other writes' },
  'read-rate': { env: 'BENCH_API_READ_RATE', default: 1500, description: 'asked rate of GET /clients/{id}' },
  'search-rate': { env: 'BENCH_API_SEARCH_RATE', default: 500, description: 'asked rate of the two searches' },
  profile: { env: 'BENCH_API_PROFILE', default: 0, description: '1: CPU profile of the clients service during the registrations' },
  'base-port': { env: 'BENCH_API_BASE_PORT', default: 3450, description: 'clients on base, visits base+1, consent base+3 (127.0.0.1)' },
} as const;

const FIRST_NAMES = ['Anna', 'Maria', 'Zofia', 'Olga', 'Irina', 'Katarzyna', 'Ewa', 'Natalia', 'Agnieszka', 'Svetlana'];
const LAST_NAMES = ['Kowalska', 'Nowak', 'Wiśniewska', 'Wójcik', 'Kamińska', 'Lewandowska', 'Zielińska', 'Szymańska', 'Iwanowa', 'Smirnowa', 'Kuznetsova', 'Popova'];
const HAIRCUT = { serviceId: 'svc-cut', name: 'Haircut', price: 40, durationMinutes: 45, specialistId: 'staff-anna', specialistName: 'Anna Nowak' };

interface SeededClient {
  readonly clientId: string;
  readonly etag: string;
  readonly form: Record<string, unknown>;
}

async function main(): Promise<number> {
  setProgressLabel('bench:api');
  if (process.argv.includes('--help')) {
    for (const [name, spec] of Object.entries(OPTIONS)) process.stdout.write(`  --${name.padEnd(16)} ${spec.env.padEnd(26)} default ${spec.default}  ${spec.description}\n`);
    return 0;
  }
  const options = resolveOptions(OPTIONS, parseCli(process.argv.slice(2)));
  const env = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  for (const name of ['KAFKA_BROKERS', 'MONGO_URL', 'JWT_SECRET', 'MASTER_KEY', 'PHONE_RESERVATION_KEYS']) {
    if (!env[name]) throw new Error(`${name} not set: run it as npm run bench:api (which reads deploy/local/local.env)`);
  }
  if (env.EVENTSTORE_URL) throw new Error('EVENTSTORE_URL is set: this benchmark measures the embedded event store; unset it');
  const cleanup = new Cleanup();
  try {
    const rows = await run(options, env, cleanup);
    process.stdout.write(`${bulletList({ ...machineFacts(), 'seconds per route': options.seconds, connections: options.connections, 'clients in the chain': options.clients })}\n\n`);
    process.stdout.write(`${markdownTable(['route', 'asked /s', 'served /s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'dropped', 'errors'], rows.table)}\n`);
    if (rows.profile) process.stdout.write(`\n${rows.profile}\n`);
    return 0;
  } finally {
    await cleanup.run();
  }
}

async function run(
  options: ReturnType<typeof resolveOptions<typeof OPTIONS>>,
  baseEnv: Record<string, string>,
  cleanup: Cleanup,
): Promise<{ table: string[][]; profile?: string }> {
  const runName = uniqueName('bench-api');
  const prefix = `${runName}.`;
  const workDir = mkdtempSync(join(tmpdir(), 'salon-bench-api-'));
  const profileDir = join(workDir, 'profile');
  const kafka = createMessagingClient({ clientId: 'bench-api', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const env: Record<string, string> = {
    ...baseEnv,
    ...GENEROUS_RATE_LIMITS,
    MONGO_URL: mongoUrl(runName.replace(/-/g, '_')),
    EVENTSTORE_PATH: join(workDir, 'events.db'),
    KAFKA_TOPIC_PREFIX: prefix,
    LOG_LEVEL: 'warn',
  };
  cleanup.add('work directory, database and topics', async () => {
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
    rmSync(workDir, { recursive: true, force: true });
  });
  await ensureTopics(kafka, ALL_TOPICS, { prefix });

  const base = options['base-port'];
  const ports: Record<ServiceName, number> = { 'clients-service': base, 'visits-service': base + 1, 'consent-service': base + 3 };
  const taken = (await Promise.all(Object.values(ports).map(async (port) => ((await portAnswers(port)) ? [port] : [])))).flat();
  if (taken.length > 0) throw new Error(`port(s) ${taken.join(', ')} in use on 127.0.0.1: choose another --base-port`);
  const clientsUrl = `http://127.0.0.1:${ports['clients-service']}`;
  const clientsEnv = { ...env, ...(options.profile ? { NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${profileDir}` } : {}) };
  const services = [
    new ServiceProcess('clients-service', ports['clients-service'], clientsEnv, join(workDir, 'clients.log')),
    new ServiceProcess('visits-service', ports['visits-service'], { ...env, CLIENTS_SERVICE_URL: clientsUrl }, join(workDir, 'visits.log')),
    new ServiceProcess('consent-service', ports['consent-service'], env, join(workDir, 'consent.log')),
  ];
  process.on('exit', () => services.forEach((service) => service.killNow()));
  cleanup.add('stop the services', async () => {
    for (const outcome of await Promise.all(services.map((service) => service.stop()))) progress(outcome);
  });
  progress('starting the clients, visits and consent services');
  services.forEach((service) => service.start());
  await Promise.all(services.map((service) => service.waitReady(120_000)));

  const tenantId = uniqueName('bench-chain');
  const token = `Bearer ${await signDevelopmentToken(env.JWT_SECRET, { userId: 'bench-desk', tenantId, roles: ['owner'], salonIds: [] }, '2h')}`;
  const auth = { authorization: token };
  const [clients, visits, consent] = services.map((service) => new HttpTarget(service.url, options.connections));
  cleanup.add('close the HTTP clients', () => [clients, visits, consent].forEach((target) => target.close()));

  // --- Seeding: clients (name search runs over them), then visits arrived (to be completed).
  const writes = options['write-rate'] * options.seconds;
  const seedCount = Math.max(options.clients, writes * 2);
  let phone = 500_000_000;
  const newForm = (index: number) => ({
    phone: `+48 ${phone++}`,
    firstName: FIRST_NAMES[index % FIRST_NAMES.length],
    lastName: `${LAST_NAMES[index % LAST_NAMES.length]}${index % 7 === 0 ? '' : `-${index}`}`,
    consent: { notifications: true },
  });
  const seeded: SeededClient[] = [];
  progress(`seeding ${seedCount} clients`);
  await inParallel(seedCount, 16, async (index) => {
    const form = newForm(index);
    const answer = await clients.send({ method: 'POST', path: '/clients', headers: auth, body: form });
    if (answer.status !== 201) throw new Error(`seeding a client answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    seeded.push({ clientId: JSON.parse(answer.body).clientId, etag: String(answer.headers.etag), form });
  });
  const booking = (clientId: string, index: number) => {
    const day = 1 + (index % 60);
    const hour = String(8 + (index % 10)).padStart(2, '0');
    return { clientId, salonId: `salon-${day % 3}`, startsAt: salonLocalTime(day, `${hour}:00`).local, endsAt: salonLocalTime(day, `${hour}:45`).local, services: [HAIRCUT], discount: 0 };
  };
  const arrived: string[] = [];
  progress(`seeding ${writes} visits (booked and arrived)`);
  await inParallel(writes, 16, async (index) => {
    const booked = await visits.send({ method: 'POST', path: '/visits', headers: auth, body: booking(seeded[index].clientId, index) });
    if (booked.status !== 201) throw new Error(`seeding a visit answered ${booked.status}: ${booked.body.slice(0, 200)}`);
    const visitId = JSON.parse(booked.body).visitId as string;
    const arrival = await visits.send({ method: 'POST', path: `/visits/${visitId}/arrive`, headers: auth });
    if (arrival.status !== 200) throw new Error(`an arrival answered ${arrival.status}: ${arrival.body.slice(0, 200)}`);
    arrived.push(visitId);
  });
  // The reads and the consent writes need the projections and the consent records caught up.
  const last = seeded.at(-1)!;
  const caughtUp = (what: string, probe: () => Promise<boolean>) => eventually(async () => ((await probe()) ? true : undefined), what, { timeoutMs: 300_000, intervalMs: 500 });
  await caughtUp('the consent records to open', async () => (await consent.send({ method: 'GET', path: `/clients/${last.clientId}/consent`, headers: auth })).body.includes('"open"'));
  await caughtUp('the profiles to be projected', async () => (await clients.send({ method: 'GET', path: `/clients/${last.clientId}`, headers: auth })).status === 200);
  await caughtUp('the visit lists to be projected', async () =>
    (await visits.send({ method: 'GET', path: `/clients/${seeded[writes - 1].clientId}/visits`, headers: auth })).body.includes('"arrived"'),
  );

  const pick = <T>(items: readonly T[], index: number) => items[index % items.length];
  const routes: { name: string; rate: number; target: HttpTarget; call: (index: number) => HttpCall; profiled?: boolean }[] = [
    { name: 'GET /clients/{id} (profile)', rate: options['read-rate'], target: clients, call: (i) => ({ method: 'GET', path: `/clients/${pick(seeded, i * 7919).clientId}`, headers: auth }) },
    {
      name: `GET /clients?name=… (${seeded.length} clients)`,
      rate: options['search-rate'],
      target: clients,
      call: (i) => ({ method: 'GET', path: `/clients?name=${encodeURIComponent(pick(LAST_NAMES, i).slice(0, 5))}&limit=20`, headers: auth }),
    },
    { name: 'GET /clients/{id}/visits', rate: options['search-rate'], target: visits, call: (i) => ({ method: 'GET', path: `/clients/${pick(seeded, i).clientId}/visits?limit=20`, headers: auth }) },
    { name: 'POST /clients (register)', rate: options['register-rate'], target: clients, profiled: true, call: (i) => ({ method: 'POST', path: '/clients', headers: auth, body: newForm(seedCount + i) }) },
    {
      name: 'PUT /clients/{id} (edit)',
      rate: options['write-rate'],
      target: clients,
      call: (i) => {
        const client = seeded[writes + i];
        // The whole form as the front desk saves it; the registration's consent boxes are not part of it.
        const { consent: _boxes, ...form } = client.form;
        return { method: 'PUT', path: `/clients/${client.clientId}`, headers: { ...auth, 'if-match': client.etag }, body: { ...form, comment: `Edited ${i}` } };
      },
    },
    { name: 'POST /visits (book)', rate: options['write-rate'], target: visits, call: (i) => ({ method: 'POST', path: '/visits', headers: auth, body: booking(seeded[writes + i].clientId, i) }) },
    { name: 'POST /visits/{id}/complete', rate: options['write-rate'], target: visits, call: (i) => ({ method: 'POST', path: `/visits/${arrived[i]}/complete`, headers: auth }) },
    {
      name: 'PUT /clients/{id}/consent/{permission}',
      rate: options['write-rate'],
      target: consent,
      call: (i) => ({ method: 'PUT', path: `/clients/${seeded[i].clientId}/consent/remindersByEmail`, headers: auth, body: { granted: true, source: 'front-desk' } }),
    },
  ];

  const table: string[][] = [];
  for (const route of routes) {
    progress(`${route.name}: ${route.rate}/s for ${options.seconds} s`);
    const result = await fixedRateLoad({ rate: route.rate, seconds: options.seconds, connections: options.connections, target: route.target, call: route.call });
    table.push(rowOf(route.name, route.rate, result));
    progress(`  served ${result.servedPerSecond.toFixed(0)}/s, p99 ${result.latencyMs.p99.toFixed(0)} ms, errors ${JSON.stringify(result.errors)}`);
  }

  let profile: string | undefined;
  if (options.profile) {
    await services[0].stop();
    profile = summariseProfile(profileDir, 'the clients service over the whole run');
  }
  return { table, profile };
}

function rowOf(name: string, rate: number, result: LoadResult): string[] {
  const ms = (value: number) => value.toFixed(value < 10 ? 1 : 0);
  const errors = Object.entries(result.errors).map(([status, count]) => `${count}× ${status}`).join(', ') || '0';
  return [name, String(rate), result.servedPerSecond.toFixed(0), ms(result.latencyMs.p50), ms(result.latencyMs.p90), ms(result.latencyMs.p99), ms(result.latencyMs.max), String(result.dropped), errors];
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
