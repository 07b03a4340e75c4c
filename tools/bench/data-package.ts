/**
 * `npm run bench:data-package [-- --visits 1000]`: the client's data package (docs/data-package.md)
 * of one client with many visits, end to end, through the HTTP APIs of the four services, each a
 * process of its own against the local servers (start them with `npm run infra start`), with their
 * own database, event store file, topic prefix and buckets.
 *
 * One client with a photo, a consent ledger with evidence and `--visits` visits; then the package:
 * the seconds from the request to `ready`, the zip's size, the files' sizes, and the clients
 * service's peak RSS while it made the package (VmHWM of /proc/<pid>/status, reset before with
 * clear_refs) beside its RSS before: the package is streamed, so the peak should not grow with the
 * visits. Markdown on stdout, progress on stderr. Everything it creates is removed after.
 *
 * Most of its time goes into booking the visits, one at a time (each admission appends to the
 * client's one stream): 1000 in about 85 s on an idle two-core machine, several times that when it
 * is shared.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import yauzl from 'yauzl';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { ObjectStore } from '@salon/shared/object-store';
import {
  RunningService,
  TEST_JWT_SECRET,
  cleanUpServiceEnvironment,
  eventually,
  freePort,
  kafkaBrokers,
  minio,
  salonLocalTime,
  serviceEnvironment,
  startServiceProcess,
  uniqueName,
} from '@salon/shared/testing';

const MB = 1024 * 1024;

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

const started = performance.now();
const progress = (text: string) => process.stderr.write(`[bench:data-package +${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s] ${text}\n`);

function rss(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}


function entriesOf(bytes: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) =>
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          stream.toArray().then((parts) => {
            files.set(entry.fileName, Buffer.concat(parts));
            zip.readEntry();
          }, reject);
        }),
      );
      zip.on('end', () => resolve(files));
      zip.readEntry();
    }),
  );
}

async function main(): Promise<void> {
  const visitCount = Number(option('visits', '1000'));
  const server = minio();
  const endpoint = `${server.useSSL ? 'https' : 'http'}://${server.endPoint}:${server.port}`;
  const buckets = { MEDIA_BUCKET: uniqueName('bench-package-media'), DATA_EXPORT_BUCKET: uniqueName('bench-package') };
  const prefix = `${uniqueName('bench')}.`;
  const [clientsPort, visitsPort, consentPort, mediaPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const env = serviceEnvironment(uniqueName('bench-data-package'), {
    KAFKA_TOPIC_PREFIX: prefix,
    DEFAULT_PHONE_COUNTRY: 'PL',
    MINIO_ENDPOINT: endpoint,
    MINIO_ACCESS_KEY: server.accessKey,
    MINIO_SECRET_KEY: server.secretKey,
    MEDIA_BUCKET_VERSIONING: 'true',
    ...buckets,
    CLIENTS_SERVICE_URL: `http://127.0.0.1:${clientsPort}`,
    VISITS_SERVICE_URL: `http://127.0.0.1:${visitsPort}`,
    CONSENT_SERVICE_URL: `http://127.0.0.1:${consentPort}`,
    MEDIA_SERVICE_URL: `http://127.0.0.1:${mediaPort}`,
  });
  const kafka = createMessagingClient({ clientId: 'bench-data-package', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const running: RunningService[] = [];
  const tenantId = uniqueName('chain');
  const token = `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { tenantId, roles: ['owner'], userId: 'owner-1' })}`;
  const call = async (base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: token, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };

  try {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    progress('starting the four services');
    const clients = await startServiceProcess('clients-service', env, { port: clientsPort });
    running.push(clients);
    const [visits, consent, media] = await Promise.all([
      startServiceProcess('visits-service', env, { port: visitsPort }),
      startServiceProcess('consent-service', env, { port: consentPort }),
      startServiceProcess('media-service', env, { port: mediaPort }),
    ]);
    running.push(visits, consent, media);

    const { clientId } = (await call(clients.url, 'POST', '/clients', { phone: '+48 605 881 001', firstName: 'Ada', lastName: 'Bench', email: 'ada.bench@example.test' })) as { clientId: string };
    await eventually(async () => ((await call(consent.url, 'GET', `/clients/${clientId}/consent`)).status === 'open' ? true : undefined), 'the consent record');
    await call(consent.url, 'PUT', `/clients/${clientId}/consent/newsletter`, { granted: true, source: 'front-desk', evidence: { documentRef: 'form-1', signedAt: new Date(Date.now() - 60_000).toISOString(), collectedBy: 'desk-1', salonId: 'salon-centre' } }, { 'x-salon-id': 'salon-centre' });
    const image = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: { r: 90, g: 140, b: 200 } } }).jpeg().toBuffer();
    const uploaded = await fetch(`${media.url}/clients/${clientId}/photo`, { method: 'PUT', headers: { authorization: token, 'content-type': 'image/jpeg' }, body: image });
    if (!uploaded.ok) throw new Error(`photo upload: ${uploaded.status}`);

    progress(`booking ${visitCount} visits`);
    const service = { serviceId: 'svc-cut', name: 'Haircut', price: 40, durationMinutes: 45, specialistId: 'staff-anna', specialistName: 'Anna Nowak' };
    let booked = 0;
    const book = async () => {
      while (booked < visitCount) {
        const index = booked++;
        const day = 1 + (index % 300);
        const hour = String(8 + (Math.floor(index / 300) % 10)).padStart(2, '0');
        const booking = { clientId, salonId: 'salon-centre', startsAt: salonLocalTime(day, `${hour}:00`).local, endsAt: salonLocalTime(day, `${hour}:45`).local, services: [service] };
        // The same Idempotency-Key on a retry: a booking whose admission timed out is completed, not made twice.
        const key = `bench-visit-${index}`;
        for (let attempt = 1; ; attempt++) {
          try {
            await call(visits.url, 'POST', '/visits', booking, { 'idempotency-key': key });
            break;
          } catch (error) {
            if (attempt >= 5 || !String(error).includes(' 503 ')) throw error;
          }
        }
        if ((index + 1) % 500 === 0) progress(`  ${index + 1} booked`);
      }
    };
    // One at a time: every admission appends to the client's one stream, so parallel bookings only contend.
    await book();
    await eventually(
      async () => {
        const card = await call(clients.url, 'GET', `/clients/${clientId}`);
        return (card.visitStatistics as { countsByStatus?: { booked?: number } } | undefined)?.countsByStatus?.booked === visitCount ? true : undefined;
      },
      'the card to count every visit',
      { timeoutMs: 600_000, intervalMs: 1000 },
    );
    await eventually(async () => {
      const page = await call(visits.url, 'GET', `/clients/${clientId}/visits`, undefined);
      return (page.items as unknown[]).length > 0 ? true : undefined;
    }, 'the visit list', { timeoutMs: 600_000, intervalMs: 1000 });

    const clientsPid = (clients as RunningService & { pid: number }).pid;
    const rssBefore = rss(clientsPid, 'VmRSS');
    const peakMeasured = resetPeak(clientsPid);
    progress('requesting the package');
    const requestedAt = performance.now();
    const { requestId } = (await call(clients.url, 'POST', `/clients/${clientId}/data-export`)) as { requestId: string };
    const ready = (await eventually(
      async () => {
        const status = await call(clients.url, 'GET', `/clients/${clientId}/data-export/${requestId}`);
        return status.status === 'ready' ? status : undefined;
      },
      'the package to be ready',
      { timeoutMs: 900_000, intervalMs: 250 },
    )) as { byteLength: number; download: { url: string } };
    const seconds = (performance.now() - requestedAt) / 1000;
    const peak = rss(clientsPid, 'VmHWM');

    const zip = Buffer.from(await (await fetch(ready.download.url)).arrayBuffer());
    const files = await entriesOf(zip);
    const exported = (JSON.parse(files.get('visits.json')?.toString('utf8') ?? '[]') as unknown[]).length;
    const historyEvents = (JSON.parse(files.get('history.json')?.toString('utf8') ?? '[]') as unknown[]).length;

    const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
    const lines = [
      `### Data package of one client (${visitCount} visits)`,
      '',
      row(['visits exported', 'events in history.json', 'zip MB', 'seconds request → ready', 'clients-service RSS before, MB', `peak RSS while making it, MB${peakMeasured ? '' : ' (since start: clear_refs refused)'}`]),
      row(['---:', '---:', '---:', '---:', '---:', '---:']),
      row([exported, historyEvents, (ready.byteLength / MB).toFixed(2), seconds.toFixed(1), (rssBefore / MB).toFixed(0), (peak / MB).toFixed(0)]),
      '',
      row(['file', 'MB (uncompressed)']),
      row(['---', '---:']),
      ...[...files.entries()].map(([path, bytes]) => row([path, (bytes.length / MB).toFixed(3)])),
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    progress('cleaning up');
    await Promise.all(running.map((service) => service.stop()));
    for (const bucket of Object.values(buckets)) {
      const store = new ObjectStore({ endpoint, accessKey: server.accessKey, secretKey: server.secretKey, bucket, versioning: true });
      await store.removeEverythingUnder('').catch(() => undefined);
      const { Client } = await import('minio');
      const client = new Client(server);
      if (await client.bucketExists(bucket).catch(() => false)) await client.removeBucket(bucket).catch(() => undefined);
    }
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
