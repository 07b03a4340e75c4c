/**
 * Moves the phone reservations to the streams that PHONE_RESERVATION_KEYS names: re-creates
 * every client's reservation from the client's own stream under each key of the ring, then
 * deletes the unkeyed SHA-256 streams of before keys, those of keys no longer in the ring, and
 * free ones (migratePhoneReservations). Idempotent: run it again after an interruption.
 *
 *   npm run migrate:phone-reservations
 *
 * Run it with the clients service stopped, or when all its instances run with the ring this tool
 * is given (README, "Phone reservations"). Reads the clients service's configuration (MONGO_URL for
 * the data keys, EVENTSTORE_URL or EVENTSTORE_PATH, MASTER_KEY, PHONE_RESERVATION_KEYS); the npm
 * script takes them from deploy/local/local.env. Prints counts only — never a client, a stream
 * name or a number — on stderr while it runs and a summary on stdout.
 */
import mongoose from 'mongoose';
import { PhoneReservationMigrationProgress, migratePhoneReservations, parsePhoneReservationKeys } from '@salon/clients/feature';
import { MongoKeyStore, PersonalDataCipher, parseMasterKey } from '@salon/shared/crypto';
import { ServiceConfig, loadConfig, openEventStore } from '@salon/shared/nest';

class MigrationConfig extends ServiceConfig {
  // The migration serves no HTTP; the port is not read.
  override PORT: number = 1;
}

const PROGRESS_EVERY_MS = 1_000;

async function main(): Promise<void> {
  const config = loadConfig(MigrationConfig);
  const keyring = parsePhoneReservationKeys(process.env.PHONE_RESERVATION_KEYS);
  const mongo = await mongoose.createConnection(config.MONGO_URL).asPromise();
  const store = await openEventStore({ url: config.EVENTSTORE_URL, path: config.EVENTSTORE_PATH });
  try {
    const cipher = new PersonalDataCipher(new MongoKeyStore(mongo, parseMasterKey(config.MASTER_KEY)));
    const result = await migratePhoneReservations(store, cipher, keyring, throttled(report));
    const ring = [keyring.current, ...keyring.previous].map((key) => key.id).join(', ');
    process.stdout.write(
      `phone reservations under key(s) ${ring}: ${result.clientsWithPhone} clients hold their number, ` +
        `${result.clientsWithoutPhone} have none (deleted or erased), ${result.streamsRemoved} old or free streams deleted\n`,
    );
  } finally {
    await store.close();
    await mongo.close();
  }
}

function report({ phase, done, total }: PhoneReservationMigrationProgress): void {
  const what = phase === 'reserving' ? 'clients reserved' : 'reservation streams checked';
  process.stderr.write(`${what}: ${done}/${total}\n`);
}

/** Reports at most once a second, and always the last step of each phase. */
function throttled(onProgress: (progress: PhoneReservationMigrationProgress) => void) {
  let last = 0;
  return (progress: PhoneReservationMigrationProgress) => {
    if (progress.done < progress.total && Date.now() - last < PROGRESS_EVERY_MS) return;
    last = Date.now();
    onProgress(progress);
  };
}

main().catch((error: Error) => {
  process.stderr.write(`phone-reservation migration failed: ${error.message}\n`);
  process.exit(1);
});
