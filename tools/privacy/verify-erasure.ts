/**
 * Proves an erasure for one client: looks for the client's personal values in the raw bytes of
 * the event store file (with its WAL and SHM), every Kafka log file, the local Mongo-compatible
 * server's data file, every document of every database (read models and their kept versions,
 * key bindings, dead letters), every object version in MinIO and its data dir, and the logs.
 *
 *   npm run verify-erasure -- --values values.json        (or: ... -- --values - < values.json)
 *
 * The values come from a JSON file or stdin, never from argv or the environment (both show in
 * process lists and logs): `{ "clientId": "…", "values": { "phone": ["+48601234567", "601 234 567"],
 * "email": "…", "lastName": "…", "comment": "…" } }`. The table names the kind of a hit, never the
 * value. Exit 0: no hit anywhere; 1: a hit, or a store that could not be scanned; 2: bad input.
 *
 * Where to look (defaults: deploy/local/local.env and the .local layout): --event-store FILE,
 * --kafka-dir DIR, --mongo-file FILE, --mongo-url URL, --minio-dir DIR, --logs-dir DIR,
 * --buckets a,b (default every bucket), --stores event-store,kafka,... (default all).
 */
import { readFileSync } from 'node:fs';
import { ErasureVerifierSettings, STORE_NAMES, StoreName, defaultSettings, formatVerification, verifyErasure } from './erasure-verifier/erasure-verifier';
import { PersonalValuesError, parsePersonalValues } from './erasure-verifier/personal-values';

const USAGE = 'usage: npm run verify-erasure -- --values FILE|- [--stores a,b] [--event-store FILE] [--kafka-dir DIR] [--mongo-file FILE] [--mongo-url URL] [--minio-dir DIR] [--logs-dir DIR] [--buckets a,b]';

function parseArguments(argv: readonly string[]): { valuesFrom: string; settings: ErasureVerifierSettings; stores: StoreName[] } {
  const options = new Map<string, string>();
  for (let index = 0; index < argv.length; index += 2) {
    const name = argv[index] as string;
    const value = argv[index + 1];
    if (!name.startsWith('--') || value === undefined) throw new PersonalValuesError(USAGE);
    options.set(name.slice(2), value);
  }
  const known = new Set(['values', 'stores', 'event-store', 'kafka-dir', 'mongo-file', 'mongo-url', 'minio-dir', 'logs-dir', 'buckets']);
  for (const name of options.keys()) if (!known.has(name)) throw new PersonalValuesError(`unknown option --${name}\n${USAGE}`);
  const valuesFrom = options.get('values');
  if (!valuesFrom) throw new PersonalValuesError(`--values FILE (or - for stdin) is required\n${USAGE}`);
  const defaults = defaultSettings();
  const buckets = options.get('buckets')?.split(',').filter(Boolean);
  const settings: ErasureVerifierSettings = {
    eventStorePath: options.get('event-store') ?? defaults.eventStorePath,
    kafkaDataDir: options.get('kafka-dir') ?? defaults.kafkaDataDir,
    mongoDataFile: options.get('mongo-file') ?? defaults.mongoDataFile,
    mongoUrl: options.get('mongo-url') ?? defaults.mongoUrl,
    objectStore: { ...defaults.objectStore, ...(buckets ? { buckets } : {}) },
    minioDataDir: options.get('minio-dir') ?? defaults.minioDataDir,
    logsDir: options.get('logs-dir') ?? defaults.logsDir,
  };
  const stores = (options.get('stores')?.split(',').filter(Boolean) ?? [...STORE_NAMES]) as StoreName[];
  const unknown = stores.filter((store) => !STORE_NAMES.includes(store));
  if (unknown.length > 0) throw new PersonalValuesError(`--stores: unknown ${unknown.join(', ')} (known: ${STORE_NAMES.join(', ')})`);
  return { valuesFrom, settings, stores };
}

async function main(): Promise<number> {
  let input: ReturnType<typeof parseArguments>;
  let values: ReturnType<typeof parsePersonalValues>;
  try {
    input = parseArguments(process.argv.slice(2));
    const json = readFileSync(input.valuesFrom === '-' ? 0 : input.valuesFrom, 'utf8');
    values = parsePersonalValues(json);
  } catch (error) {
    // Never the input itself: it holds the values.
    const reason = error instanceof PersonalValuesError ? error.message : `cannot read the values (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
    process.stderr.write(`verify-erasure: ${reason}\n`);
    return 2;
  }
  const verification = await verifyErasure(values, input.settings, input.stores);
  process.stdout.write(`${formatVerification(verification)}\n`);
  const unscanned = [...verification.scans.values()].filter((scan) => scan.missing);
  if (verification.totalHits > 0) {
    process.stdout.write(`\nFAILED: ${verification.totalHits} hit(s) of the client's personal values.\n`);
    return 1;
  }
  if (unscanned.length > 0) {
    process.stdout.write(`\nNOT PROVEN: ${unscanned.length} store(s) could not be scanned.\n`);
    return 1;
  }
  process.stdout.write('\nNo personal value of the client in any store.\n');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`verify-erasure: ${error.name}: ${error.message}\n`);
    process.exit(1);
  },
);
