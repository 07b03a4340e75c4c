/**
 * `npm run test:faults [-- --seconds 100 ...]`: the fault test. Front desks register clients and
 * book visits against the three services (real processes, loopback only) while each service and
 * the Kafka broker are killed -9 and restarted on a schedule. Afterwards:
 *  (a) every acknowledged write (a 2xx) is in the event store and in the read models;
 *  (b) once the sweeper has passed the grace period, no phone reservation is held by anyone but
 *      an active client using that number, and every client holds its own;
 *  (c) the read models equal a rebuild from the event store.
 * Prints the tables on stdout (progress on stderr); exits 1 on any loss, ghost or difference.
 *
 * Needs the local servers (`npm run infra start`); kills and restarts their broker (the one of
 * LOCAL_DIR, on KAFKA_PORT). Uses its own database, event store file and topic prefix; removes
 * them after a passing run (kept, with the services' logs, after a failing one). Stops every
 * process it started, also on failure or Ctrl-C. `--help` lists the options.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose, { Connection } from 'mongoose';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { MongoKeyStore, PersonalDataCipher, parseMasterKey } from '@salon/shared/crypto';
import { SqliteEventStore } from '@salon/shared/event-store';
import { MessagingAdmin, createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { cleanUpServiceEnvironment, GENEROUS_RATE_LIMITS, mongoUrl, uniqueName } from '@salon/shared/testing';
import { Cleanup, describeOptions, markdownTable, progress, resolveOptions, setProgressLabel, ticker, Options } from '../bench/support';
import { FrontDesks } from './front-desk';
import { LocalBroker, REPO_ROOT, ServiceName, ServiceProcess, portAnswers, waitFor } from './processes';
import { Comparison, awaitQuiet, deadLetterCount, rebuildAndCompare } from './rebuild-compare';
import { ReservationReport, Tally, VerifyContext, checkReservations, tallyWrites } from './verify-writes';

const OPTIONS = {
  seconds: { env: 'FAULT_SECONDS', default: 100, description: 'seconds of load, during which the faults run' },
  desks: { env: 'FAULT_DESKS', default: 8, description: 'concurrent front desks (half register, half book)' },
  gap: { env: 'FAULT_GAP_SECONDS', default: 5, description: 'seconds of healthy load before each fault (random ±50 %)' },
  grace: { env: 'FAULT_GRACE_SECONDS', default: 5, description: "PHONE_RESERVATION_GRACE_SECONDS of the clients service" },
  'clients-port': { env: 'FAULT_CLIENTS_PORT', default: 3201, description: 'clients service port (127.0.0.1)' },
  'visits-port': { env: 'FAULT_VISITS_PORT', default: 3202, description: 'visits service port' },
  'consent-port': { env: 'FAULT_CONSENT_PORT', default: 3204, description: 'consent service port' },
  abandon: {
    env: 'FAULT_ABANDON',
    default: 0.5,
    description: 'share of registrations given up after a network error (their half-done reservations are the sweeper\'s)',
  },
  keep: { env: 'FAULT_KEEP', default: 0, description: '1: keep database, topics, event store and logs after a passing run too' },
} as const;
type FaultOptions = Options<typeof OPTIONS>;

type Target = ServiceName | 'kafka';
/**
 * The clients service most often: its kills are the ones that land mid-registration (between the
 * phone reservation and the client's append). Each target is killed only once it is ready again
 * after its previous kill, but kills of different targets may overlap (a restart then meets a
 * broker that is down, or a clients service that cannot admit bookings).
 */
const SCHEDULE: readonly Target[] = [
  'visits-service',
  'clients-service',
  'consent-service',
  'visits-service',
  'clients-service',
  'clients-service',
  // Last: while the broker is down every restart waits for it, and after it every consumer group
  // rejoins (about 30 s: the dead members' sessions run out first).
  'kafka',
];
/** The writes a kill of the target should land in the middle of (bookings need the clients service too). */
const WRITES_SERVED: Readonly<Partial<Record<Target, 'registration' | 'booking'>>> = {
  'clients-service': 'registration',
  'visits-service': 'booking',
};
const TARGETS: readonly Target[] = ['clients-service', 'visits-service', 'consent-service', 'kafka'];

const READY_TIMEOUT_MS = 120_000;
const DRAIN_MS = 90_000;
const READ_MODEL_TIMEOUT_MS = 120_000;
const QUIET_TIMEOUT_MS = 120_000;

interface Kill {
  readonly target: Target;
  /** Seconds since the load started. */
  readonly atS: number;
  readonly registrationsInFlight: number;
  readonly bookingsInFlight: number;
  /** From the kill until the target answers ready again (the broker: kafka_wait_ready). */
  readyAfterMs?: number;
}

interface Settings {
  readonly env: Record<string, string>;
  readonly brokers: string[];
  readonly jwtSecret: string;
  readonly masterKey: string;
  readonly localDir: string;
}

/** The environment the services and the tool need; refuses anything but loopback servers. */
function readSettings(): Settings {
  const env = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const missing = ['KAFKA_BROKERS', 'MONGO_URL', 'JWT_SECRET', 'MASTER_KEY', 'PHONE_RESERVATION_KEYS'].filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`${missing.join(', ')} not set: run it as npm run test:faults (which reads deploy/local/local.env)`);
  if (env.EVENTSTORE_URL) throw new Error('EVENTSTORE_URL is set: the fault test checks the embedded event store file, unset it');
  const brokers = env.KAFKA_BROKERS.split(',');
  const hosts = [...brokers.map((broker) => broker.split(':')[0]), new URL(env.MONGO_URL).hostname];
  const remote = hosts.filter((host) => !['127.0.0.1', 'localhost'].includes(host));
  if (remote.length > 0) throw new Error(`loopback only: ${remote.join(', ')} is not 127.0.0.1`);
  return { env, brokers, jwtSecret: env.JWT_SECRET, masterKey: env.MASTER_KEY, localDir: env.LOCAL_DIR ?? join(REPO_ROOT, '.local') };
}

interface Report {
  readonly tallies: readonly Tally[];
  readonly kills: readonly Kill[];
  readonly reservations: ReservationReport;
  readonly lagging: readonly string[];
  readonly comparisons: readonly Comparison[];
  readonly deadLetters: number;
  readonly desks: FrontDesks;
  readonly services: readonly ServiceProcess[];
  readonly seconds: number;
}

/** `passed` keeps nothing; `interrupted` (Ctrl-C) neither, there is nothing to look into. */
interface RunState {
  passed: boolean;
  interrupted: boolean;
}

/** What one run works in: its own database, event store file, topic prefix and chain. */
interface Environment {
  readonly prefix: string;
  readonly tenantId: string;
  readonly env: Readonly<Record<string, string>>;
  readonly log: (name: string) => string;
  readonly broker: LocalBroker;
  readonly clients: ServiceProcess;
  readonly visits: ServiceProcess;
  readonly services: readonly ServiceProcess[];
  readonly mongo: Connection;
  readonly store: SqliteEventStore;
  readonly admin: MessagingAdmin;
}

async function faultTest(options: FaultOptions, settings: Settings, cleanup: Cleanup, state: RunState): Promise<Report> {
  const environment = await prepare(options, settings, cleanup, state);
  const authorization = `Bearer ${await signDevelopmentToken(
    settings.jwtSecret,
    { userId: 'fault-desk', tenantId: environment.tenantId, roles: ['receptionist'] },
    '2h',
  )}`;
  const { desks, kills } = await runLoad(environment, options, authorization);
  await Promise.all(environment.services.map((service) => service.waitReady(READY_TIMEOUT_MS)));

  const { store, mongo, admin, prefix, env, log } = environment;
  const verify: VerifyContext = {
    store,
    mongo,
    cipher: new PersonalDataCipher(new MongoKeyStore(mongo, parseMasterKey(settings.masterKey))),
    tenantId: environment.tenantId,
    topicPrefix: prefix,
    clientsUrl: environment.clients.url,
    visitsUrl: environment.visits.url,
    authorization,
  };
  progress('checking the event store and the read models');
  const tallies = await tallyWrites(verify, desks.registrations, desks.bookings, READ_MODEL_TIMEOUT_MS);
  progress('checking phone reservations once the sweeper has passed them');
  const reservations = await checkReservations(verify, desks.registrations, options.grace * 1_000 + QUIET_TIMEOUT_MS);
  const rebuild = { store, mongo, admin, topicPrefix: prefix, env, logFile: log('rebuild') };
  progress('waiting until every relay and consumer group is at the end');
  const lagging = await awaitQuiet(rebuild, QUIET_TIMEOUT_MS);
  let comparisons: Comparison[] = [];
  if (lagging.length === 0) {
    progress('rebuilding client-profiles and client-visits, comparing with the live collections');
    comparisons = await rebuildAndCompare(rebuild);
  }
  const deadLetters = await deadLetterCount(rebuild);
  return { tallies, kills, reservations, lagging, comparisons, deadLetters, desks, services: environment.services, seconds: options.seconds };
}

/** Topics, the three services (ready), connections; each with its clean-up step. */
async function prepare(options: FaultOptions, settings: Settings, cleanup: Cleanup, state: RunState): Promise<Environment> {
  const run = uniqueName('fault');
  const prefix = `${run}.`;
  const ports = [options['clients-port'], options['visits-port'], options['consent-port']];
  const taken = (await Promise.all(ports.map(async (port) => ((await portAnswers(port)) ? [port] : [])))).flat();
  if (taken.length > 0) throw new Error(`port(s) ${taken.join(', ')} already in use on 127.0.0.1: choose others (--clients-port ...)`);
  const workDir = mkdtempSync(join(tmpdir(), 'salon-fault-'));
  const log = (name: string) => join(workDir, `${name}.log`);
  const kafka = createMessagingClient({ clientId: 'fault-test', brokers: settings.brokers, logLevel: 'nothing' });
  const broker = new LocalBroker(settings.localDir, settings.env, log('kafka-restarts'));
  broker.checkMatches(settings.brokers);
  if (broker.pid() === undefined) throw new Error(`no broker of ${settings.localDir} runs: start the local servers first (npm run infra start)`);
  progress(`run ${run}: work directory ${workDir} (event store, logs)`);

  // Last in, first out: the broker is checked last, once everything else is stopped.
  cleanup.add('the local broker runs again', async () => {
    if (broker.pid() === undefined) await broker.restart();
  });
  const env: Record<string, string> = {
    ...settings.env,
    // Eight desks share one user and register and book as fast as they can.
    ...GENEROUS_RATE_LIMITS,
    MONGO_URL: mongoUrl(run.replace(/-/g, '_')),
    EVENTSTORE_PATH: join(workDir, 'events.db'),
    KAFKA_TOPIC_PREFIX: prefix,
  };
  cleanup.add('work directory, database and topics (kept after a failure)', async () => {
    if ((!state.passed && !state.interrupted) || options.keep) {
      return progress(`kept: ${workDir}, database ${new URL(env.MONGO_URL).pathname.slice(1)}, topics ${prefix}*`);
    }
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
    rmSync(workDir, { recursive: true, force: true });
  });
  await ensureTopics(kafka, ALL_TOPICS, { prefix });

  const clients = new ServiceProcess('clients-service', ports[0], { ...env, PHONE_RESERVATION_GRACE_SECONDS: String(options.grace) }, log('clients-service'));
  const visits = new ServiceProcess('visits-service', ports[1], { ...env, CLIENTS_SERVICE_URL: clients.url }, log('visits-service'));
  const services = [clients, visits, new ServiceProcess('consent-service', ports[2], env, log('consent-service'))];
  process.on('exit', () => services.forEach((service) => service.killNow()));
  cleanup.add('stop the services', async () => {
    for (const outcome of await Promise.all(services.map((service) => service.stop()))) progress(outcome);
  });
  await startAll(services);

  const mongo = await mongoose.createConnection(env.MONGO_URL).asPromise();
  cleanup.add('close MongoDB', () => mongo.close());
  const store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });
  cleanup.add('close the event store', () => store.close());
  const admin = kafka.admin();
  await admin.connect();
  cleanup.add('close the Kafka admin', () => admin.disconnect());
  return { prefix, tenantId: uniqueName('fault-chain'), env, log, broker, clients, visits, services, mongo, store, admin };
}

/** The front desks for `seconds`, the faults meanwhile; then the writes under way are let finish. */
async function runLoad(environment: Environment, options: FaultOptions, authorization: string): Promise<{ desks: FrontDesks; kills: Kill[] }> {
  const desks = new FrontDesks({
    clientsUrl: environment.clients.url,
    visitsUrl: environment.visits.url,
    authorization,
    desks: options.desks,
    abandonShare: Math.min(1, options.abandon),
  });
  const loadStarted = Date.now();
  const loadEnds = loadStarted + options.seconds * 1_000;
  progress(`load: ${options.desks} desks for ${options.seconds} s, faults every ~${options.gap} s`);
  desks.start();
  const stopTicker = ticker(
    () =>
      `acknowledged: ${desks.registrations.length} registrations, ${desks.bookings.length} bookings; ` +
      `in flight ${desks.inFlightNow('registration')}+${desks.inFlightNow('booking')}; retries ${desks.retries}`,
    5_000,
  );
  const { services, broker } = environment;
  // The last restarts may outlast the load: the writes under way then wait for them (the drain).
  const faults = injectFaults({ services, broker, desks, loadStarted, loadEnds, gapMs: options.gap * 1_000 });
  // Settles only if the faults fail (a restart that never gets ready): then stop at once.
  const faultsFailed = faults.then(() => new Promise<never>(() => undefined));
  try {
    await Promise.race([sleep(Math.max(0, loadEnds - Date.now())), faultsFailed]);
    progress('load: no new writes; waiting for those under way');
    await Promise.race([desks.stop(DRAIN_MS), faultsFailed]);
    return { desks, kills: await faults };
  } finally {
    stopTicker();
  }
}

/** All three at once, as npm start does (the event store file is new: they open it together). */
async function startAll(services: readonly ServiceProcess[]): Promise<void> {
  for (const service of services) service.start();
  await Promise.all(services.map((service) => service.waitReady(READY_TIMEOUT_MS)));
  progress(`services ready: ${services.map((service) => `${service.name} ${service.url}`).join(', ')}`);
}

/**
 * Goes through SCHEDULE (round and round) until the load ends: once the target is ready (after its
 * previous kill), healthy load for a random part of the gap, then — as soon as the writes the
 * target serves are going through — kill -9 and restart at once.
 * A service's restart is waited for in the background; the broker's in the foreground (one at a
 * time). Resolves when every restart is ready again.
 */
async function injectFaults(run: {
  services: readonly ServiceProcess[];
  broker: LocalBroker;
  desks: FrontDesks;
  loadStarted: number;
  loadEnds: number;
  gapMs: number;
}): Promise<Kill[]> {
  const kills: Kill[] = [];
  const restarts: Promise<void>[] = [];
  let restartFailure: unknown;
  const serviceOf = (target: ServiceName) => {
    const service = run.services.find((candidate) => candidate.name === target);
    if (!service) throw new Error(`no service ${target}`);
    return service;
  };
  for (let index = 0; ; index++) {
    const target = SCHEDULE[index % SCHEDULE.length];
    if (target !== 'kafka') await serviceOf(target).waitReady(READY_TIMEOUT_MS);
    await sleep(run.gapMs * (0.5 + Math.random()));
    const kind = WRITES_SERVED[target];
    // Bounded: if they never flow again, the kill happens anyway and the table shows 0 in flight.
    if (kind) await waitFor(async () => run.desks.flowing(kind), Math.max(0, run.loadEnds - Date.now()), 50);
    if (Date.now() > run.loadEnds || restartFailure) break;
    const killedAt = Date.now();
    const kill: Kill = {
      target,
      atS: (killedAt - run.loadStarted) / 1_000,
      registrationsInFlight: run.desks.inFlightNow('registration'),
      bookingsInFlight: run.desks.inFlightNow('booking'),
    };
    kills.push(kill);
    progress(`kill -9 ${target} (${kill.registrationsInFlight} registrations, ${kill.bookingsInFlight} bookings in flight)`);
    const ready = () => {
      kill.readyAfterMs = Date.now() - killedAt;
      progress(`${target} (killed at ${kill.atS.toFixed(1)} s into the load) ready again after ${seconds(kill.readyAfterMs)} s`);
    };
    if (target === 'kafka') {
      await run.broker.kill9();
      await run.broker.restart();
      ready();
    } else {
      const service = serviceOf(target);
      await service.kill9();
      service.start();
      restarts.push(service.waitReady(READY_TIMEOUT_MS).then(ready, (error: unknown) => void (restartFailure = error)));
    }
  }
  await Promise.all(restarts);
  if (restartFailure) throw restartFailure;
  return kills;
}

const seconds = (ms: number) => (ms / 1_000).toFixed(1);

function failures(report: Report): string[] {
  const found: string[] = [];
  for (const tally of report.tallies) if (tally.lost.length > 0) found.push(`${tally.kind}: ${tally.lost.length} lost (${tally.lost.slice(0, 5).join(', ')})`);
  if (report.reservations.ghosts.length > 0) found.push(`ghost reservations: ${report.reservations.ghosts.slice(0, 5).join('; ')}`);
  if (report.reservations.unreserved.length > 0) found.push(`clients without their phone reservation: ${report.reservations.unreserved.slice(0, 5).join(', ')}`);
  if (report.lagging.length > 0) found.push(`never quiet, so not compared with a rebuild: ${report.lagging.slice(0, 5).join('; ')}`);
  for (const comparison of report.comparisons) {
    if (!comparison.equal) found.push(`${comparison.collection}: ${comparison.live} ≠ ${comparison.rebuilt}: ${comparison.differences.join('; ')}`);
  }
  for (const [answer, count] of report.desks.refused) found.push(`refused ${count}× (${answer}) although every request is valid`);
  if (report.desks.unfinished > 0) found.push(`${report.desks.unfinished} writes still unanswered ${DRAIN_MS / 1_000} s after the load ended`);
  const unhit = TARGETS.filter((target) => !report.kills.some((kill) => kill.target === target));
  if (unhit.length > 0) found.push(`never killed: ${unhit.join(', ')} (raise --seconds)`);
  if (report.deadLetters > 0) found.push(`${report.deadLetters} messages dead-lettered`);
  for (const service of report.services) {
    for (const crash of service.crashes) {
      found.push(`${service.name} exited by itself at ${crash.at.toISOString()} (code ${crash.code}, signal ${crash.signal}): see ${service.logFile}`);
    }
  }
  return found;
}

function render(report: Report): string {
  const writes = markdownTable(
    ['writes', 'acknowledged (2xx)', 'in event store', 'in read models', 'lost'],
    report.tallies.map((t) => [t.kind, String(t.acknowledged), String(t.inStore), String(t.inReadModels), String(t.lost.length)]),
  );
  const kills = markdownTable(
    ['killed -9', 'times', 'at (s into the load)', 'registrations + bookings in flight at the kill', 'ready again after (s)', 'exited by itself'],
    TARGETS.map((target) => {
      const of = report.kills.filter((kill) => kill.target === target);
      const list = (cell: (kill: Kill) => string) => of.map(cell).join(', ') || '–';
      const crashes = report.services.find((service) => service.name === target)?.crashes.length;
      return [
        target,
        String(of.length),
        list((k) => k.atS.toFixed(0)),
        list((k) => `${k.registrationsInFlight}+${k.bookingsInFlight}`),
        list((k) => (k.readyAfterMs === undefined ? '?' : seconds(k.readyAfterMs))),
        crashes === undefined ? '–' : String(crashes),
      ];
    }),
  );
  const { reservations, desks } = report;
  const checks = markdownTable(
    ['check', 'result'],
    [
      ['ghost reservations (held, but not by an active client using the number)', `${reservations.ghosts.length} (of ${reservations.streams} reservation streams)`],
      ['acknowledged clients not holding their own number', String(reservations.unreserved.length)],
      ['registrations given up after a network error / reservations the sweeper released', `${desks.abandoned} / ${reservations.released}`],
      ...report.comparisons.map((c) => [`${c.collection}: live ${c.live} vs rebuilt ${c.rebuilt}`, `${c.equal ? 'equal' : 'DIFFERENT'} (${c.documents} documents)`]),
      ...(report.lagging.length > 0 ? [['rebuild comparison', `not run: never quiet (${report.lagging.length} lagging)`]] : []),
      ['attempts sent again (network error, timeout, 5xx)', String(desks.retries)],
      ['refused (4xx) / unanswered at the end', `${[...desks.refused.values()].reduce((a, b) => a + b, 0)} / ${desks.unfinished}`],
      ['dead letters', String(report.deadLetters)],
    ],
  );
  return `# Fault test (${report.seconds} s of load)\n\n${writes}\n\n${kills}\n\n${checks}\n`;
}

function parseCommandLine(argv: readonly string[]): { options: Map<string, string>; help: boolean } {
  const options = new Map<string, string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--help' || argument === '-h') help = true;
    else if (argument.startsWith('--')) {
      const [name, inline] = argument.slice(2).split('=', 2);
      const value = inline ?? argv[++i];
      if (!Object.hasOwn(OPTIONS, name)) throw new Error(`unknown option --${name}; try --help`);
      if (value === undefined) throw new Error(`${argument} needs a value`);
      options.set(name, value);
    } else throw new Error(`unexpected argument ${argument}; try --help`);
  }
  return { options, help };
}

async function main(): Promise<number> {
  setProgressLabel('fault');
  const { options: cli, help } = parseCommandLine(process.argv.slice(2));
  if (help) {
    process.stdout.write(`npm run test:faults -- [--option value ...]\n${describeOptions(OPTIONS)}\n`);
    return 0;
  }
  const options = resolveOptions(OPTIONS, cli);
  const settings = readSettings();
  const cleanup = new Cleanup();
  const state: RunState = { passed: false, interrupted: false };
  const interrupted = () => {
    state.interrupted = true;
    progress('interrupted: stopping what the fault test started');
    void cleanup.run().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const report = await faultTest(options, settings, cleanup, state);
    process.stdout.write(`\n${render(report)}`);
    const found = failures(report);
    state.passed = found.length === 0;
    process.stdout.write(state.passed ? '\nPASSED: nothing lost, no ghost, read models equal a rebuild\n' : `\nFAILED:\n${found.map((f) => `- ${f}`).join('\n')}\n`);
  } catch (error) {
    process.stderr.write(`fault test failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  } finally {
    await cleanup.run(READY_TIMEOUT_MS);
  }
  return state.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`fault test: ${error.message}\n`);
    process.exit(2);
  },
);
