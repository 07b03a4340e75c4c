import { join, resolve } from 'node:path';
import { BytePatterns } from './byte-patterns';
import { PersonalValues } from './personal-values';
import { ObjectStoreSettings, StoreScan, scanDirectory, scanFiles, scanMongo, scanObjectStore } from './stores';

/** Where the verifier looks. Paths and addresses only: nothing personal is configured here. */
export interface ErasureVerifierSettings {
  /** The embedded event store's SQLite file; its -wal and -shm beside it are scanned too. */
  readonly eventStorePath: string;
  /** The Kafka broker's log dirs (every partition's .log, .index, .timeindex, snapshots). */
  readonly kafkaDataDir: string;
  /** Only the partitions of topics with this prefix (a test's own); every partition when absent. */
  readonly kafkaTopicPrefix?: string;
  /** The local Mongo-compatible server's H2 file (`mongo.mv.db`). */
  readonly mongoDataFile: string;
  readonly mongoUrl: string;
  readonly objectStore: ObjectStoreSettings;
  readonly minioDataDir: string;
  /** The services' and servers' logs. */
  readonly logsDir: string;
}

export type StoreName = 'event-store' | 'kafka' | 'mongo-file' | 'mongo' | 'minio' | 'minio-dir' | 'logs';
export const STORE_NAMES: readonly StoreName[] = ['event-store', 'kafka', 'mongo-file', 'mongo', 'minio', 'minio-dir', 'logs'];

/** The stores the verifier scans by default, as the local infrastructure lays them out (deploy/local). */
export function defaultSettings(env: NodeJS.ProcessEnv = process.env, repoRoot = resolve(__dirname, '../../..')): ErasureVerifierSettings {
  const localDir = env['LOCAL_DIR'] ?? join(repoRoot, '.local');
  const eventStoreDir = env['EVENTSTORE_DIR'] ?? join(localDir, 'data/eventstore');
  const minioEndpoint = new URL(env['MINIO_ENDPOINT'] ?? `http://127.0.0.1:${env['MINIO_PORT'] ?? '19000'}`);
  return {
    eventStorePath: resolve(repoRoot, env['EVENTSTORE_PATH'] ?? join(eventStoreDir, 'events.db')),
    kafkaDataDir: env['KAFKA_DATA_DIR'] ?? join(localDir, 'data/kafka'),
    mongoDataFile: env['MONGO_DATA_FILE'] ?? join(localDir, 'data/mongo/mongo.mv.db'),
    mongoUrl: env['MONGO_URL'] ?? `mongodb://127.0.0.1:${env['MONGO_PORT'] ?? '27018'}/salon?directConnection=true`,
    objectStore: {
      endPoint: minioEndpoint.hostname,
      port: Number(minioEndpoint.port || (minioEndpoint.protocol === 'https:' ? 443 : 80)),
      useSSL: minioEndpoint.protocol === 'https:',
      accessKey: env['MINIO_ACCESS_KEY'] ?? 'minioadmin',
      secretKey: env['MINIO_SECRET_KEY'] ?? 'minioadmin',
    },
    minioDataDir: env['MINIO_DATA_DIR'] ?? join(localDir, 'data/minio'),
    logsDir: env['LOGS_DIR'] ?? join(localDir, 'logs'),
  };
}

export interface ErasureVerification {
  readonly scans: ReadonlyMap<StoreName, StoreScan>;
  /** Hits over every store. */
  readonly totalHits: number;
}

/**
 * Looks for one client's personal values in the raw bytes and documents of every store: what an
 * erasure must have left unreadable. Reports counts per store and value kind, never a value.
 */
export async function verifyErasure(
  values: PersonalValues,
  settings: ErasureVerifierSettings,
  stores: readonly StoreName[] = STORE_NAMES,
): Promise<ErasureVerification> {
  const patterns = new BytePatterns(values);
  const scanners: Record<StoreName, () => Promise<StoreScan>> = {
    'event-store': () =>
      scanFiles('event store (SQLite file, -wal, -shm)', ['', '-wal', '-shm'].map((suffix) => settings.eventStorePath + suffix), patterns),
    kafka: () =>
      scanDirectory('Kafka log dirs (segments, indexes, snapshots)', settings.kafkaDataDir, patterns, (name) =>
        settings.kafkaTopicPrefix === undefined ? true : name.startsWith(settings.kafkaTopicPrefix),
      ),
    'mongo-file': () => scanFiles('Mongo-compatible server data file (H2)', [settings.mongoDataFile], patterns),
    mongo: () => scanMongo(settings.mongoUrl, patterns),
    minio: () => scanObjectStore(settings.objectStore, patterns, values.clientId),
    'minio-dir': () => scanDirectory('MinIO data dir', settings.minioDataDir, patterns),
    logs: () => scanDirectory('logs', settings.logsDir, patterns),
  };
  const scans = new Map<StoreName, StoreScan>();
  for (const store of stores) scans.set(store, await scanners[store]());
  const totalHits = [...scans.values()].reduce((sum, scan) => sum + hitCount(scan), 0);
  return { scans, totalHits };
}

export function hitCount(scan: StoreScan): number {
  return [...scan.hits.values()].reduce((sum, count) => sum + count, 0);
}

/** The table the ops command prints: store, what was scanned, hits and their kinds. */
export function formatVerification(verification: ErasureVerification): string {
  const rows = [...verification.scans.values()].map((scan) => [
    scan.store,
    scan.missing ? `not scanned: ${scan.missing}` : scan.scanned,
    String(hitCount(scan)),
    [...scan.hits].map(([kind, count]) => `${kind} ${count}`).join(', ') || '-',
  ]);
  const header = ['store', 'scanned', 'hits', 'kinds'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] as number)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
