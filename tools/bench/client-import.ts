/**
 * `npm run bench:import [-- --rows 10000 --export-rows 100000 --formats csv,xlsx,ods --service-heap-mb 256 --port 3371 --rows-at-once 16 --profile 1]`: the import and
 * export of the client base end to end, through the HTTP API of a clients service running as a
 * process of its own against the local servers (start them with `npm run infra start`), with its
 * own database, event store file, topic prefix and import bucket.
 *
 * Per format (each into a chain of its own, so every export holds exactly `--rows` clients):
 * a file of `--rows` clients written with the spreadsheets library; upload + dry run; the import
 * (policy skip: every row is a new client, registered as the API registers one); the wait until
 * the read model shows them all (not a target, but where an export after an import waits); the
 * export of the whole chain; then the export of `--export-rows` clients (default `--rows`) of a
 * chain whose cards are written straight into the read model, in each format. Each step: seconds, rows/s and the service's peak RSS (VmHWM of
 * /proc/<pid>/status, reset before the step with clear_refs), beside the issue's targets.
 * `--rows-at-once N` sets the service's IMPORT_ROWS_AT_ONCE (rows done at once; its default when absent).
 * `--profile 1` runs the service with `--cpu-prof` and prints where its CPU time went over the run;
 * the .cpuprofile is kept (its folder is printed) for a flame graph.
 * Markdown on stdout, progress on stderr. Everything it creates is removed after, also on failure
 * or Ctrl-C.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { exportHeaders } from '@salon/clients/domain';
import { CLIENT_PROFILES_COLLECTION } from '@salon/clients/feature';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { ReadModelVersions, createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { CellValue, SHEET_CONTENT_TYPES, SheetFormat, createSheetWriter } from '@salon/shared/spreadsheets';
import {
  TEST_JWT_SECRET,
  cleanUpServiceEnvironment,
  eventually,
  kafkaBrokers,
  serviceEnvironment,
  startServiceProcess,
  uniqueName,
} from '@salon/shared/testing';
import { mediaEnvironment, removeBucket } from '../../apps/media-service/src/test/media-test-kit';
import { summariseProfile } from './cpu-profile';

const MB = 1024 * 1024;
const TARGETS = { 'upload + dry run': 60, import: 60, export: 30 } as const;
const RSS_TARGET_MB = 500;

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

const started = performance.now();
const progress = (text: string) => process.stderr.write(`[bench:import +${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s] ${text}\n`);

function peakRss(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

/** Resets the process's peak RSS (Linux: clear_refs 5), so VmHWM measures from now on. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Row `index` of the generated base: every column the catalog has, filled the way a salon's spreadsheet would be. */
function generatedRow(index: number, phonePrefix: string): CellValue[] {
  const hasEmail = index % 3 !== 0;
  return [
    index % 10 === 0 ? 'Łucja' : `Anna${index}`,
    `Nowak${index}`,
    null,
    // A national number as the front desk types it; "+48…" would be written behind an apostrophe.
    `${phonePrefix}${String(index).padStart(6, '0')}`,
    null,
    hasEmail ? `client${index}@example.com` : null,
    index % 4 === 0 ? null : new Date(Date.UTC(1950 + (index % 50), index % 12, 1 + (index % 28))),
    ['kobieta', 'mężczyzna', null][index % 3],
    index % 5 === 0 ? `Prefers mornings, visit ${index}` : null,
    index % 2 === 0 ? index % 40 : null,
    index % 2 === 0 ? index % 20 : null,
    index % 6 === 0 ? 'nie' : 'tak',
    index % 2 === 0 ? 'tak' : 'nie',
    hasEmail && index % 4 === 0 ? 'tak' : 'nie',
    null,
    null,
    null,
    null,
  ];
}

/** A card as the client-profiles projection writes it for an active client (the fields the export reads). */
function seededCard(tenantId: string, index: number): Record<string, unknown> {
  const firstName = `Anna${index}`;
  const lastName = `Nowak${index}`;
  return {
    _id: randomUUID(),
    tenantId,
    revision: 1,
    status: 'active',
    displayName: `${firstName} ${lastName}`,
    sortName: `${firstName} ${lastName}`.toLowerCase(),
    firstName,
    lastName,
    phone: `+48609${String(index).padStart(6, '0')}`,
    phoneLineType: 'mobile',
    smsCapable: true,
    ...(index % 3 === 0 ? {} : { email: `seeded${index}@example.com` }),
    ...(index % 4 === 0 ? {} : { birthDate: `19${50 + (index % 50)}-0${1 + (index % 9)}-1${index % 10}` }),
    gender: ['female', 'male', 'unspecified'][index % 3],
    ...(index % 5 === 0 ? { comment: `Prefers mornings, visit ${index}` } : {}),
    discounts: { products: index % 20, services: index % 40 },
    consent: { notifications: true, remindersBySms: index % 2 === 0, remindersByEmail: false, marketing: false },
    registeredAt: new Date(),
    updatedAt: new Date(),
  };
}

async function writeFileOf(path: string, format: SheetFormat, rows: number, phonePrefix: string): Promise<void> {
  const out = createWriteStream(path);
  const writer = createSheetWriter(format, out, { sheetName: 'Klienci' });
  await writer.writeRow(exportHeaders('pl'));
  for (let index = 0; index < rows; index++) await writer.writeRow(generatedRow(index, phonePrefix));
  await writer.end();
}

interface Measurement {
  readonly format: SheetFormat;
  readonly step: string;
  readonly rows: number;
  readonly seconds: number;
  readonly peakRssBytes: number;
  readonly note?: string;
}

async function main(): Promise<void> {
  const rows = Number(option('rows', '100000').replace(/_/g, ''));
  const formats = option('formats', 'xlsx,ods,csv').split(',') as SheetFormat[];
  const port = Number(option('port', '3371'));
  // The import registers every client as the API does, far slower than the export reads them: the
  // export is also measured over a chain whose cards are written straight into the read model.
  const exportRows = Number(option('export-rows', String(rows)).replace(/_/g, ''));
  // A V8 heap cap for the service (--max-old-space-size): with none, V8 lets garbage pile up far
  // beyond what is live before it collects, and the peak RSS shows that slack, not what is held.
  const serviceHeapMb = Number(option('service-heap-mb', '0'));
  const rowsAtOnce = option('rows-at-once', '');
  if (rowsAtOnce !== '' && !(Number.isInteger(Number(rowsAtOnce)) && Number(rowsAtOnce) >= 1)) throw new Error('--rows-at-once must be a whole number of at least 1');
  const profileDir = option('profile', '0') === '1' ? await mkdtemp(join(tmpdir(), 'bench-import-profile-')) : undefined;
  const nodeOptions = [...(serviceHeapMb > 0 ? [`--max-old-space-size=${serviceHeapMb}`] : []), ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
  if (!Number.isInteger(rows) || rows < 1 || rows > 900_000) throw new Error('--rows must be a whole number from 1 to 900000');
  if (!Number.isInteger(exportRows) || exportRows < 0 || exportRows > 900_000) throw new Error('--export-rows must be a whole number from 0 to 900000');
  for (const format of formats) if (!(format in SHEET_CONTENT_TYPES)) throw new Error(`--formats: unknown format "${format}"`);

  const prefix = `${uniqueName('bench')}.`;
  const importBucket = uniqueName('bench-import').toLowerCase();
  const env = serviceEnvironment(uniqueName('bench-import'), {
    KAFKA_TOPIC_PREFIX: prefix,
    DEFAULT_PHONE_COUNTRY: 'PL',
    ...(nodeOptions.length > 0 ? { NODE_OPTIONS: nodeOptions.join(' ') } : {}),
    ...mediaEnvironment(),
    IMPORT_BUCKET: importBucket,
    IMPORT_MAX_FILE_BYTES: String(1024 * MB),
    ...(rowsAtOnce === '' ? {} : { IMPORT_ROWS_AT_ONCE: rowsAtOnce }),
  });
  const kafka = createMessagingClient({ clientId: 'bench-import', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const files = await mkdtemp(join(tmpdir(), 'bench-import-'));
  const cleanups: (() => Promise<unknown>)[] = [
    () => rm(files, { recursive: true, force: true }),
    () => rm(dirname(env.EVENTSTORE_PATH), { recursive: true, force: true }),
    () => removeBucket(importBucket),
    () => cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL),
  ];
  const cleanUp = async () => {
    // Last in, first out: the service stops before its database and topics go.
    for (const step of cleanups.reverse().splice(0)) await step().catch((error) => progress(`cleanup: ${String(error)}`));
  };
  process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));

  const measurements: Measurement[] = [];
  try {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    progress(`starting the clients service on port ${port}`);
    const service = await startServiceProcess('clients-service', env, { port });
    cleanups.push(() => service.stop());
    const mongo = await mongoose.createConnection(env.MONGO_URL).asPromise();
    cleanups.push(() => mongo.close());
    const canResetPeak = resetPeak(service.pid);
    if (!canResetPeak) progress('cannot reset the peak RSS (clear_refs): each step shows the peak since the service started');

    for (const [index, format] of formats.entries()) {
      const tenant = uniqueName(`bench-${format}`);
      const authorization = `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'bench-owner', tenantId: tenant, roles: ['owner'] })}`;
      const api = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(`${service.url}${path}`, {
          method,
          headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
        return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      };
      const jobUntil = async (jobId: string, status: string) =>
        eventually(
          async () => {
            const job = await api('GET', `/clients/imports/${jobId}`);
            if (job.status === 'failed' || job.status === 'cancelled') throw new Error(`the job ${String(job.status)}: ${JSON.stringify(job.failure)}`);
            return job.status === status ? job : undefined;
          },
          `the import job to be ${status}`,
          { timeoutMs: 3_600_000, intervalMs: 500 },
        );
      const measure = async (step: string, count: number, run: () => Promise<string | undefined>) => {
        resetPeak(service.pid);
        const begin = performance.now();
        const note = await run();
        const seconds = (performance.now() - begin) / 1000;
        measurements.push({ format, step, rows: count, seconds, peakRssBytes: peakRss(service.pid), note });
        progress(`${format} ${step}: ${seconds.toFixed(1)} s`);
      };

      const path = join(files, `klienci.${format}`);
      progress(`writing ${rows} rows as ${format}`);
      try {
        await writeFileOf(path, format, rows, `60${index + 1}`);
      } catch (error) {
        progress(`${format}: the library cannot write it (${String(error)}); skipped`);
        measurements.push({ format, step: 'not measured', rows: 0, seconds: NaN, peakRssBytes: NaN, note: `the library cannot write ${format} yet` });
        continue;
      }
      const fileBytes = (await stat(path)).size;

      let jobId = '';
      await measure('upload + dry run', rows, async () => {
        const response = await fetch(`${service.url}/clients/imports?fileName=klienci.${format}`, {
          method: 'POST',
          headers: { authorization, 'content-type': SHEET_CONTENT_TYPES[format] },
          body: await readFile(path),
        });
        const job = (await response.json()) as Record<string, unknown>;
        if (response.status !== 201) throw new Error(`upload: ${response.status} ${JSON.stringify(job).slice(0, 500)}`);
        jobId = String(job.jobId);
        await api('POST', `/clients/imports/${jobId}/dry-run`, { existingClients: 'skip' });
        const done = await jobUntil(jobId, 'dry-run-completed');
        return `${(fileBytes / MB).toFixed(1)} MB file; dry run ${JSON.stringify(done.dryRun)}`;
      });
      await measure('import', rows, async () => {
        await api('POST', `/clients/imports/${jobId}/run`, { existingClients: 'skip' });
        const done = await jobUntil(jobId, 'completed');
        return `progress ${JSON.stringify(done.progress)}`;
      });
      await measure('read model caught up', rows, async () => {
        const collection = mongo.collection(await new ReadModelVersions(mongo).activeCollection(CLIENT_PROFILES_COLLECTION));
        // A count reads the whole collection on the local server (an aggregation, under its one lock),
        // seconds at 100,000 cards: polled every 500 ms it held back the projection it waited for.
        // The next count waits ten times as long as the last one took (at least 500 ms).
        const started = Date.now();
        for (;;) {
          const counting = Date.now();
          if ((await collection.countDocuments({ tenantId: tenant, status: 'active' })) >= rows) break;
          if (Date.now() - started > 3_600_000) throw new Error('the read model did not show every imported client within an hour');
          await new Promise((resolve) => setTimeout(resolve, Math.max(500, 10 * (Date.now() - counting))));
        }
        return 'after the import completed (relay → Kafka → projection)';
      });
      await measure('export', rows, async () => {
        const response = await fetch(`${service.url}/clients/export?format=${format}&language=pl`, { headers: { authorization } });
        if (response.status !== 200 || !response.body) throw new Error(`export: ${response.status} ${await response.text()}`);
        let bytes = 0;
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
        return `${(bytes / MB).toFixed(1)} MB file`;
      });
    }

    if (exportRows > 0) {
      const tenant = uniqueName('bench-seeded');
      const authorization = `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'bench-owner', tenantId: tenant, roles: ['owner'] })}`;
      progress(`writing ${exportRows} cards straight into the read model`);
      const collection = mongo.collection(await new ReadModelVersions(mongo).activeCollection(CLIENT_PROFILES_COLLECTION));
      for (let start = 0; start < exportRows; start += 5_000) {
        const batch = Array.from({ length: Math.min(5_000, exportRows - start) }, (_, offset) => seededCard(tenant, start + offset));
        await collection.insertMany(batch as never[], { ordered: false });
      }
      for (const format of formats) {
        resetPeak(service.pid);
        const begin = performance.now();
        const response = await fetch(`${service.url}/clients/export?format=${format}&language=pl`, { headers: { authorization } });
        if (response.status !== 200 || !response.body) throw new Error(`export: ${response.status} ${await response.text()}`);
        let bytes = 0;
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
        const seconds = (performance.now() - begin) / 1000;
        measurements.push({ format, step: 'export', rows: exportRows, seconds, peakRssBytes: peakRss(service.pid), note: `${(bytes / MB).toFixed(1)} MB file; cards written straight into the read model` });
        progress(`${format} export of ${exportRows} seeded cards: ${seconds.toFixed(1)} s`);
      }
    }
  } finally {
    await cleanUp();
  }

  const rowsPerSecond = (measurement: Measurement) => (Number.isFinite(measurement.seconds) && measurement.rows > 0 ? Math.round(measurement.rows / measurement.seconds).toLocaleString('en') : '—');
  const target = (measurement: Measurement) => {
    const seconds = TARGETS[measurement.step as keyof typeof TARGETS];
    if (seconds === undefined) return '—';
    const met = measurement.seconds <= seconds && measurement.peakRssBytes / MB <= RSS_TARGET_MB;
    return `≤ ${seconds} s, ≤ ${RSS_TARGET_MB} MB: ${met ? 'met' : '**missed**'}`;
  };
  const lines = [
    `Rows per file: ${rows.toLocaleString('en')}; service heap cap: ${serviceHeapMb > 0 ? `${serviceHeapMb} MB` : 'none (V8 default)'}; rows at once: ${rowsAtOnce || 'the service default'}; ${new Date().toISOString().slice(0, 16)}Z`,
    '',
    '| format | step | rows | seconds | rows/s | service peak RSS MB | target | note |',
    '|---|---|---|---|---|---|---|---|',
    ...measurements.map(
      (m) =>
        `| ${m.format} | ${m.step} | ${m.rows.toLocaleString('en')} | ${Number.isFinite(m.seconds) ? m.seconds.toFixed(1) : '—'} | ${rowsPerSecond(m)} | ${Number.isFinite(m.peakRssBytes) ? (m.peakRssBytes / MB).toFixed(0) : '—'} | ${target(m)} | ${m.note ?? ''} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (profileDir) {
    // The service wrote its profile when it stopped, in the clean-up.
    process.stdout.write(`\n${summariseProfile(profileDir, 'the clients service over the run')}\n`);
    progress(`the profile is kept in ${profileDir} (open it in Chrome DevTools or speedscope for a flame graph)`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench:import failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
