import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import * as grpc from '@grpc/grpc-js';
// The client's own generated protocol code (streams.proto of EventStoreDB), so the stand-in speaks
// exactly the messages client 6.2.1 sends and parses; nothing of it is copied into this repository.
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';

interface StoredRecord {
  readonly streamName: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  /** Commit and prepare positions are equal here, as for events written one per transaction. */
  readonly position: bigint;
  readonly createdAt: Date;
}

/**
 * A stand-in for an EventStoreDB node, for tests on machines where no server can run: a gRPC
 * server on 127.0.0.1 that answers the real `@eventstore/db-client` on the one call the adapter's
 * subscriptions and $all reads use, Streams.Read (of $all: forwards or backwards with a count,
 * or as a subscription: confirmation, the events after the position, then live ones). Events are
 * put in with `append` (not over gRPC). `stop` kills the server the way a crash does, dropping
 * every open call; `start` again on the same port is a restart with the same log.
 *
 * What it proves: how the real client and the adapter behave when the connection fails and comes
 * back (errors, resubscription, positions). What it does not: anything about the server's own
 * behaviour (filters, idempotency, deadlines), which only the Docker workflow checks.
 */
export class EventStoreDbStandIn {
  private readonly log: StoredRecord[] = [];
  private readonly liveCalls = new Set<(record: StoredRecord) => void>();
  private readonly openSubscriptions = new Set<grpc.ServerWritableStream<ReadReq, ReadResp>>();
  private server?: grpc.Server;
  /** Positions start well past 0, as in a real log, where records of the server come first. */
  private nextPosition = 1_000n;

  /** Opened subscriptions, counted across restarts: a test sees the adapter resubscribe. */
  subscriptionsOpened = 0;

  /** While true, a read is accepted and never answered: a server that hangs. */
  hangReads = false;

  /** Listens on `port` (0: a free one) and resolves to it. */
  async start(port = 0): Promise<number> {
    const server = new grpc.Server();
    server.addService(StreamsService, { read: (call: grpc.ServerWritableStream<ReadReq, ReadResp>) => this.read(call) });
    const bound = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, actual) =>
        error ? reject(error) : resolve(actual),
      ),
    );
    this.server = server;
    return bound;
  }

  /** Like a crash: every open call is cut, nothing more is answered until `start`. */
  stop(): void {
    this.server?.forceShutdown();
    this.server = undefined;
    this.liveCalls.clear();
    this.openSubscriptions.clear();
  }

  /** Ends every open subscription call cleanly (status OK), as no healthy server does: the client sees a plain end. */
  endSubscriptions(): void {
    for (const call of this.openSubscriptions) call.end();
    this.openSubscriptions.clear();
    this.liveCalls.clear();
  }

  append(streamName: string, type: string, data: unknown): { id: string; position: bigint } {
    const revision = BigInt(this.log.filter((record) => record.streamName === streamName).length);
    const record: StoredRecord = {
      streamName,
      revision,
      id: randomUUID(),
      type,
      data: JSON.stringify(data),
      metadata: JSON.stringify({ tenantId: 'tenant-a', correlationId: randomUUID(), causationId: randomUUID(), schemaVersion: 1 }),
      position: this.nextPosition,
      createdAt: new Date(),
    };
    this.nextPosition += 100n;
    this.log.push(record);
    this.liveCalls.forEach((deliver) => deliver(record));
    return { id: record.id, position: record.position };
  }

  private read(call: grpc.ServerWritableStream<ReadReq, ReadResp>): void {
    if (this.hangReads) return;
    const options = call.request.getOptions();
    const all = options?.getAll();
    if (!options || !all) {
      call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'the stand-in reads $all only' });
      return;
    }
    const position = all.hasPosition() ? BigInt(all.getPosition()?.getCommitPosition() ?? '0') : undefined;
    if (options.hasSubscription()) {
      this.subscribe(call, all.hasEnd() ? this.nextPosition : position);
      return;
    }
    const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    const count = Number(options.getCount() || '0') || Number.MAX_SAFE_INTEGER;
    const records = backwards
      ? [...this.log].reverse().filter((record) => all.hasEnd() || position === undefined || record.position <= position)
      : this.log.filter((record) => all.hasStart() || position === undefined || record.position >= position);
    for (const record of records.slice(0, count)) call.write(toReadResp(record));
    call.end();
  }

  /** Like EventStoreDB: a subscription's position is exclusive ("after"). */
  private subscribe(call: grpc.ServerWritableStream<ReadReq, ReadResp>, after: bigint | undefined): void {
    this.subscriptionsOpened += 1;
    const confirmation = new ReadResp.SubscriptionConfirmation();
    confirmation.setSubscriptionId(randomUUID());
    call.write(new ReadResp().setConfirmation(confirmation));
    for (const record of this.log) if (after === undefined || record.position > after) call.write(toReadResp(record));
    const deliver = (record: StoredRecord) => call.write(toReadResp(record));
    this.liveCalls.add(deliver);
    this.openSubscriptions.add(call);
    call.on('cancelled', () => {
      this.liveCalls.delete(deliver);
      this.openSubscriptions.delete(call);
    });
  }
}

function toReadResp(record: StoredRecord): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(new UUID().setString(record.id));
  recorded.setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(record.streamName)));
  recorded.setStreamRevision(record.revision.toString());
  recorded.setCommitPosition(record.position.toString());
  recorded.setPreparePosition(record.position.toString());
  recorded.getMetadataMap().set('type', record.type);
  recorded.getMetadataMap().set('content-type', 'application/json');
  // .NET ticks (100 ns) since the Unix epoch, as the server sends them.
  recorded.getMetadataMap().set('created', (BigInt(record.createdAt.getTime()) * 10_000n).toString());
  recorded.setData(Buffer.from(record.data));
  recorded.setCustomMetadata(Buffer.from(record.metadata));
  const event = new ReadResp.ReadEvent();
  event.setEvent(recorded);
  event.setCommitPosition(record.position.toString());
  return new ReadResp().setEvent(event);
}

/** A port on the loopback where nothing listens (taken from the OS, then closed): a server that is down. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
