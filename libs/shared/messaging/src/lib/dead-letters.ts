import { DEAD_LETTER_HEADERS, TOPICS } from '@salon/contracts';
import { LazyConnection } from './lazy-connection';
import { FetchedMessage, MessageHeaders, MessageProducer, MessagingClient, OutgoingRecord, headerText } from './messaging-port';

/** The dead-letter topic of an environment (KAFKA_TOPIC_PREFIX), beside its other topics. */
export function deadLetterTopic(prefix = ''): string {
  return prefix + TOPICS.deadLetters.name;
}

/** `undecodable`: the bytes or headers are not an integration event; `rejected`: handling it failed for good. */
export type DeadLetterReason = 'undecodable' | 'rejected';

/** A message a consumer group gives up on, as it was fetched, and why. */
export interface FailedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly message: Pick<FetchedMessage, 'key' | 'value' | 'offset' | 'headers'>;
  readonly group: string;
  readonly reason: DeadLetterReason;
  /** Already safe to show (see describeFailure): no personal data. */
  readonly error: string;
  readonly at: Date;
}

/**
 * The dead letter of a failed message: its own key, value and headers untouched (so a replay
 * re-publishes exactly what was sent), plus headers naming its source, the group and the error.
 */
export function toDeadLetterMessage(failed: FailedMessage): OutgoingRecord & { readonly headers: Record<string, string | Buffer> } {
  return {
    key: failed.message.key,
    value: failed.message.value,
    headers: {
      // A replay that failed again keeps its `replay-of`; older dead-letter headers give way to the new ones.
      ...without(failed.message.headers, DESCRIPTION_HEADER_NAMES),
      [DEAD_LETTER_HEADERS.sourceTopic]: failed.topic,
      [DEAD_LETTER_HEADERS.sourcePartition]: String(failed.partition),
      [DEAD_LETTER_HEADERS.sourceOffset]: failed.message.offset,
      [DEAD_LETTER_HEADERS.group]: failed.group,
      [DEAD_LETTER_HEADERS.reason]: failed.reason,
      [DEAD_LETTER_HEADERS.error]: failed.error,
      [DEAD_LETTER_HEADERS.at]: failed.at.toISOString(),
    },
  };
}

/** A message read back from the dead-letter topic. */
export interface DeadLetter {
  /** `<partition>:<offset>` in the dead-letter topic. */
  readonly id: string;
  readonly group: string;
  readonly reason: string;
  readonly error: string;
  readonly deadLetteredAt: string;
  readonly source: { readonly topic: string; readonly partition: number; readonly offset: string };
  /** The source message's own key, value and headers (the dead-letter headers taken off). */
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: MessageHeaders;
  /** Set when the source message was itself a replay of an earlier dead letter. */
  readonly replayOf?: string;
}

export function fromDeadLetterMessage(partition: number, message: Pick<FetchedMessage, 'key' | 'value' | 'offset' | 'headers'>): DeadLetter {
  const header = (name: string) => headerText(message.headers, name) ?? '';
  return {
    id: `${partition}:${message.offset}`,
    group: header(DEAD_LETTER_HEADERS.group),
    reason: header(DEAD_LETTER_HEADERS.reason),
    error: header(DEAD_LETTER_HEADERS.error),
    deadLetteredAt: header(DEAD_LETTER_HEADERS.at),
    source: {
      topic: header(DEAD_LETTER_HEADERS.sourceTopic),
      partition: Number(header(DEAD_LETTER_HEADERS.sourcePartition)),
      offset: header(DEAD_LETTER_HEADERS.sourceOffset),
    },
    key: message.key,
    value: message.value,
    headers: without(message.headers, ALL_DEAD_LETTER_HEADER_NAMES),
    replayOf: headerText(message.headers, DEAD_LETTER_HEADERS.replayOf),
  };
}

const ALL_DEAD_LETTER_HEADER_NAMES: ReadonlySet<string> = new Set(Object.values(DEAD_LETTER_HEADERS));
/** The headers that describe one dead letter (all but `replay-of`, which travels with the replayed message). */
const DESCRIPTION_HEADER_NAMES: ReadonlySet<string> = new Set(
  Object.values(DEAD_LETTER_HEADERS).filter((name) => name !== DEAD_LETTER_HEADERS.replayOf),
);

function without(headers: MessageHeaders | undefined, names: ReadonlySet<string>): MessageHeaders {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !names.has(name)));
}

/**
 * Publishes dead letters (idempotent producer, acks=all), connected on the first one. A failed
 * send throws a client error, which the caller retries like any transient failure: a message is
 * never dropped.
 */
export class DeadLetterQueue {
  private readonly producer: LazyConnection<MessageProducer>;

  constructor(
    kafka: MessagingClient,
    readonly topic: string,
  ) {
    this.producer = new LazyConnection(() => kafka.producer());
  }

  async send(failed: FailedMessage): Promise<void> {
    const producer = await this.producer.get();
    await producer.send({ topic: this.topic, messages: [toDeadLetterMessage(failed)] });
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}
