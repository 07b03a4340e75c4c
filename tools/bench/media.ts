/**
 * `npm run bench:media [-- --runs 7 --port 3351]`: the media service end to end, as a process of
 * its own beside the clients service, against the local servers (start them with
 * `npm run infra start`): the latency of `PUT /clients/{id}/photo` (checks, re-encoding, both
 * renditions, MinIO, the reference on the client's stream, the event) for a 5 MB JPEG and a 3 MB
 * HEIC (median and spread of several runs), and the service's peak RSS (VmHWM, reset before)
 * while it takes a 15 MB JPEG and refuses a 15 MB + 1 byte body. Markdown on stdout, progress on
 * stderr. Everything it creates (database, topics, bucket, event store file) is removed after.
 *
 * The HEIC is encoded by libheif's `heif-enc` (x265) when installed (Debian: libheif-examples):
 * nothing on the npm registry encodes HEVC; without it the HEIC row says so.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { ALL_TOPICS } from '@salon/contracts';
import { MAX_PHOTO_BYTES } from '@salon/media/content';
import { signDevelopmentToken } from '@salon/shared/auth';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { TEST_JWT_SECRET, cleanUpServiceEnvironment, kafkaBrokers, serviceEnvironment, startServiceProcess, uniqueName } from '@salon/shared/testing';
import { mediaEnvironment, removeBucket } from '../../apps/media-service/src/test/media-test-kit';

const MB = 1024 * 1024;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const progress = (text: string) => process.stderr.write(`${text}\n`);

/** A photo-like raster: grain over a gradient (noise alone compresses worst of all). */
function grain(width: number, height: number, amplitude: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  let state = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        state = (state * 1103515245 + 12345) >>> 0;
        const base = c === 0 ? (x * 255) / width : c === 1 ? (y * 255) / height : 128;
        pixels[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(base + ((state >>> 24) - 128) * (amplitude / 128))));
      }
    }
  }
  return pixels;
}

/** A JPEG of 90–100 % of `targetBytes`: the side is scaled until the encoding lands there. */
async function jpegOf(targetBytes: number, amplitude = 128): Promise<Buffer> {
  let side = 1200;
  for (;;) {
    const width = side;
    const height = Math.round((side * 3) / 4);
    const bytes = await sharp(grain(width, height, amplitude), { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
    if (bytes.length >= targetBytes * 0.9 && bytes.length <= targetBytes) return bytes;
    side = Math.round(side * Math.sqrt((targetBytes * 0.95) / bytes.length));
  }
}

async function heicOf(targetBytes: number): Promise<Buffer | undefined> {
  try {
    execFileSync('heif-enc', ['--version'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-heic-'));
  try {
    // 12 MP, a phone's photo; the grain sets the size the encoder reaches.
    const width = 4032;
    const height = 3024;
    const png = join(dir, 'source.png');
    // The grain that lands closest to the target size (more grain, more bytes).
    let closest: Buffer | undefined;
    for (const amplitude of [10, 16]) {
      await sharp(grain(width, height, amplitude), { raw: { width, height, channels: 3 } }).png({ compressionLevel: 1 }).toFile(png);
      const out = join(dir, 'photo.heic');
      execFileSync('heif-enc', ['--no-alpha', '-q', '60', '-e', 'x265', '-o', out, png], { stdio: 'ignore' });
      const bytes = readFileSync(out);
      if (!closest || Math.abs(bytes.length - targetBytes) < Math.abs(closest.length - targetBytes)) closest = bytes;
    }
    return closest;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function memoryOf(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : NaN;
}

/** Resets the process's peak RSS (Linux: clear_refs 5), so VmHWM then measures from now on. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value: number) => `${value.toFixed(0)} ms`;
const mb = (value: number) => `${(value / MB).toFixed(1)} MB`;

async function main(): Promise<void> {
  const runs = option('runs', 7);
  const port = option('port', 3351);
  const prefix = `${uniqueName('bench')}.`;
  const storage = mediaEnvironment();
  const env = serviceEnvironment(uniqueName('bench-media'), { KAFKA_TOPIC_PREFIX: prefix, ...storage });
  const kafka = createMessagingClient({ clientId: 'bench-media', brokers: kafkaBrokers(), logLevel: 'nothing' });
  await ensureTopics(kafka, ALL_TOPICS, { prefix });
  progress('starting the clients and media services');
  const clients = await startServiceProcess('clients-service', { ...env, DEFAULT_PHONE_COUNTRY: 'PL' }, { port: port + 1 });
  const media = await startServiceProcess('media-service', { ...env, CLIENTS_SERVICE_URL: clients.url }, { port });
  try {
    const token = `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { tenantId: uniqueName('chain'), roles: ['receptionist'], userId: 'bench' })}`;
    const register = async (n: number) => {
      const response = await fetch(`${clients.url}/clients`, {
        method: 'POST',
        headers: { authorization: token, 'content-type': 'application/json' },
        body: JSON.stringify({ phone: `+4860130${String(n).padStart(4, '0')}` }),
      });
      return ((await response.json()) as { clientId: string }).clientId;
    };
    const upload = async (clientId: string, bytes: Buffer, contentType: string) => {
      const started = performance.now();
      const response = await fetch(`${media.url}/clients/${clientId}/photo`, { method: 'PUT', headers: { authorization: token, 'content-type': contentType }, body: bytes });
      await response.arrayBuffer();
      return { status: response.status, ms: performance.now() - started };
    };

    progress('making the photos');
    const jpeg5 = await jpegOf(5 * MB);
    const heic3 = await heicOf(3 * MB);
    const jpeg15 = await jpegOf(MAX_PHOTO_BYTES * 0.97);
    const cases: { name: string; bytes: Buffer | undefined; contentType: string }[] = [
      { name: 'JPEG', bytes: jpeg5, contentType: 'image/jpeg' },
      { name: 'HEIC (HEVC, heif-enc)', bytes: heic3, contentType: 'image/heic' },
    ];
    progress('peak memory during a 15 MB upload');
    const clientId = await register(1000);
    // Measured first, on a warm service (one small upload done), before the HEIC decoder's worker exists.
    await upload(clientId, await jpegOf(MB), 'image/jpeg');
    const rssBefore = memoryOf(media.pid, 'VmRSS');
    const reset = resetPeak(media.pid);
    const accepted = await upload(clientId, jpeg15, 'image/jpeg');
    const peakAccepted = memoryOf(media.pid, 'VmHWM');
    const rssBeforeRefusal = memoryOf(media.pid, 'VmRSS');
    resetPeak(media.pid);
    const refused = await upload(clientId, Buffer.alloc(MAX_PHOTO_BYTES + 1, 0xff), 'image/jpeg');
    const peakRefused = memoryOf(media.pid, 'VmHWM');

    const rows: string[] = [];
    let n = 0;
    for (const { name, bytes, contentType } of cases) {
      if (!bytes) {
        rows.push(`| ${name} | – | not measured: heif-enc is not installed | | |`);
        continue;
      }
      const clientId = await register(n++);
      const warm = await upload(clientId, bytes, contentType);
      if (warm.status !== 200) throw new Error(`${name}: the upload answered ${warm.status}`);
      const times: number[] = [];
      for (let run = 0; run < runs; run++) {
        progress(`${name} run ${run + 1}/${runs}`);
        times.push((await upload(clientId, bytes, contentType)).ms);
      }
      const { width, height } = contentType === 'image/heic' ? { width: 4032, height: 3024 } : await sharp(bytes).metadata();
      rows.push(`| ${name} | ${mb(bytes.length)} (${width}×${height}) | ${ms(median(times))} | ${ms(Math.min(...times))} – ${ms(Math.max(...times))} | ${runs} |`);
    }

    const { cpus, loadavg } = await import('node:os');
    process.stdout.write(
      [
        `### Media service: upload latency and memory (${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(1)).join(' ')})`,
        '',
        'Upload latency (`PUT /clients/{id}/photo`, the service a process of its own, the clients service beside it, local MinIO, Kafka, Mongo-wire server):',
        '',
        '| photo | size | median | min – max | runs |',
        '|---|---|---|---|---|',
        ...rows,
        '',
        `Peak RSS of the media service (${reset ? 'VmHWM reset before each upload' : 'VmHWM since start: clear_refs was refused'}):`,
        '',
        '| upload | answer | RSS before | peak RSS | peak − before |',
        '|---|---|---|---|---|',
        `| ${mb(jpeg15.length)} JPEG (accepted) | ${accepted.status} in ${ms(accepted.ms)} | ${mb(rssBefore)} | ${mb(peakAccepted)} | ${mb(peakAccepted - rssBefore)} |`,
        `| 15 MB + 1 byte (refused) | ${refused.status} in ${ms(refused.ms)} | ${mb(rssBeforeRefusal)} | ${mb(peakRefused)} | ${mb(peakRefused - rssBeforeRefusal)} |`,
        '',
      ].join('\n'),
    );
  } finally {
    await media.stop();
    await clients.stop();
    await removeBucket(storage.MEDIA_BUCKET).catch(() => undefined);
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL).catch(() => undefined);
    rmSync(join(env.EVENTSTORE_PATH, '..'), { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
