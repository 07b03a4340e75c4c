/**
 * The dead letters of this environment (`<KAFKA_TOPIC_PREFIX>ops.dead-letters.v1`): messages a
 * consumer group could not process for a non-transient reason (see README "Dead letters").
 *
 *   npm run dead-letters -- list   [--group G] [--json]
 *   npm run dead-letters -- replay [--group G] [--id ID ...]
 *
 * `list` prints one line per dead letter: id, when, group, source topic/partition@offset, event
 * type, key (a client id), value size, error, and when it was replayed. Never the value itself.
 * `replay` re-publishes the selected dead letters (all not yet replayed when no --id is given) to
 * their source topics, for the groups to process again once the code is fixed; each replay is
 * recorded in MongoDB (`dead_letter_replays`), so a second replay publishes nothing again.
 *
 * Reads KAFKA_BROKERS, KAFKA_TOPIC_PREFIX and MONGO_URL like the services; `npm run dead-letters`
 * takes them from deploy/local/local.env.
 */
import mongoose from 'mongoose';
import { HEADERS } from '@salon/contracts';
import {
  DeadLetterSelection,
  ListedDeadLetter,
  createMessagingClient,
  deadLetterTopic,
  headerText,
  listDeadLetters,
  replayDeadLetters,
} from '@salon/shared/messaging';
import { ServiceConfig, loadConfig } from '@salon/shared/nest';

class DeadLetterToolConfig extends ServiceConfig {
  // The tool serves no HTTP; the port is not read.
  override PORT: number = 1;
}

export type DeadLetterCommand =
  | { readonly action: 'list'; readonly selection: DeadLetterSelection; readonly json: boolean }
  | { readonly action: 'replay'; readonly selection: DeadLetterSelection };

const USAGE = 'usage: dead-letters list [--group G] [--json] | replay [--group G] [--id ID ...]';

/** Pure: the command line (after the script name) as a command; throws the usage on anything else. */
export function parseCommand(args: readonly string[]): DeadLetterCommand {
  const [action, ...rest] = args;
  if (action !== 'list' && action !== 'replay') throw new Error(USAGE);
  let group: string | undefined;
  const ids: string[] = [];
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const value = () => {
      const next = rest[++i];
      if (next === undefined || next.startsWith('--')) throw new Error(`${rest[i - 1]} needs a value; ${USAGE}`);
      return next;
    };
    if (rest[i] === '--group') group = value();
    else if (rest[i] === '--id') ids.push(...value().split(','));
    else if (rest[i] === '--json' && action === 'list') json = true;
    else throw new Error(`unknown argument ${rest[i]}; ${USAGE}`);
  }
  const selection: DeadLetterSelection = { group, ids: ids.length > 0 ? ids : undefined };
  return action === 'list' ? { action, selection, json } : { action, selection };
}

/** What may be shown of a dead letter: ids, sizes and the error, never the value (encrypted personal data). */
export function summarize(letter: ListedDeadLetter): Record<string, string | number | null> {
  return {
    id: letter.id,
    deadLetteredAt: letter.deadLetteredAt,
    group: letter.group,
    source: `${letter.source.topic}/${letter.source.partition}@${letter.source.offset}`,
    eventType: headerText(letter.headers, HEADERS.eventType) ?? null,
    eventId: headerText(letter.headers, HEADERS.eventId) ?? null,
    key: letter.key?.toString() ?? null,
    valueBytes: letter.value?.length ?? 0,
    reason: letter.reason,
    error: letter.error,
    replayOf: letter.replayOf ?? null,
    replayedAt: letter.replayedAt ?? null,
  };
}

const COLUMNS = ['id', 'deadLetteredAt', 'group', 'source', 'eventType', 'key', 'valueBytes', 'replayedAt', 'error'] as const;

export function formatTable(letters: readonly ListedDeadLetter[]): string {
  const rows = letters.map(summarize).map((row) => COLUMNS.map((column) => String(row[column] ?? '-')));
  const widths = COLUMNS.map((column, i) => Math.max(column.length, ...rows.map((row) => row[i].length)));
  // The error is the last column and is not padded: it may be long.
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ');
  return [line(COLUMNS), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const command = parseCommand(process.argv.slice(2));
  const config = loadConfig(DeadLetterToolConfig);
  const topic = deadLetterTopic(config.KAFKA_TOPIC_PREFIX);
  const kafka = createMessagingClient({ clientId: 'dead-letters', brokers: config.KAFKA_BROKERS });
  const mongo = await mongoose.createConnection(config.MONGO_URL).asPromise();
  try {
    if (command.action === 'list') {
      const letters = await listDeadLetters(kafka, mongo, topic, command.selection);
      if (command.json) process.stdout.write(`${JSON.stringify(letters.map(summarize), null, 2)}\n`);
      else process.stdout.write(`${letters.length} dead letters in ${topic}\n${letters.length > 0 ? `${formatTable(letters)}\n` : ''}`);
    } else {
      const { replayed, alreadyReplayed } = await replayDeadLetters(kafka, mongo, topic, command.selection);
      for (const letter of replayed) {
        process.stdout.write(`replayed ${letter.id} (${letter.group}) to ${letter.source.topic}\n`);
      }
      process.stdout.write(`${replayed.length} replayed, ${alreadyReplayed.length} replayed before and left alone\n`);
    }
  } finally {
    await mongo.close();
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`dead-letters failed: ${error.message}\n`);
    process.exit(1);
  });
}
