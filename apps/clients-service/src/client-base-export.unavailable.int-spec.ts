import { get } from 'node:http';
import { AddressInfo, Server, Socket, connect, createServer } from 'node:net';
import { INestApplication } from '@nestjs/common';
import mongoose from 'mongoose';
import { clientBaseExportsStream } from '@salon/clients/domain';
import { CLIENT_PROFILES_COLLECTION } from '@salon/clients/feature';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { SqliteEventStore } from '@salon/shared/event-store';
import { ReadModelVersions, createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { TEST_JWT_SECRET, cleanUpServiceEnvironment, eventually, kafkaBrokers, mongoUrl, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { startClientsApp } from './test/clients-test-kit';

/**
 * A TCP relay in front of the real MongoDB-wire server: `cut()` drops every connection and
 * refuses new ones (the server gone, for the service), `restore()` lets them through again.
 */
class MongoRelay {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private refusing = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.server = createServer((incoming) => {
      if (this.refusing) {
        incoming.destroy();
        return;
      }
      const outgoing = connect(this.port, this.host);
      for (const socket of [incoming, outgoing]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      incoming.pipe(outgoing);
      outgoing.pipe(incoming);
      incoming.on('close', () => outgoing.destroy());
      outgoing.on('close', () => incoming.destroy());
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port)));
  }

  cut(): void {
    this.refusing = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.refusing = false;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * GET /clients/export while the read model's MongoDB cannot be reached. The service talks to the
 * real server through a TCP relay of the test's own, which the test cuts (every connection
 * dropped, new ones refused) as an outage would; the infrastructure itself is never stopped.
 * - Cut while a file is being sent: the download ends without its last chunk, an incomplete
 *   transfer the client sees, never a shorter file that looks complete; the audit says failed.
 * - Cut before the request: 503 read-model-unavailable with Retry-After, nothing audited.
 */
describe('clients service: export of the client base with the read model unreachable', () => {
  const prefix = `${uniqueName('t')}.`;
  const database = uniqueName('clients-export-unavailable');
  /** The real server, as the test reaches it; the service reaches it through the relay. */
  const realUrl = mongoUrl(database);
  const real = new URL(realUrl);
  const relay = new MongoRelay(real.hostname, Number(real.port || 27017));
  const tenant = uniqueName('chain');
  const kafka = createMessagingClient({ clientId: 'clients-export-unavailable-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  let env: Record<string, string>;
  let app: INestApplication;
  let port: number;
  let manager: string;
  let direct: mongoose.Connection;

  /** Rows large enough that the file outgrows the sockets' buffers while the test does not read. */
  const CARDS = 3_000;
  const COMMENT = 'Lubi poranne wizyty. '.repeat(100);

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    const viaRelay = new URL(realUrl);
    viaRelay.host = `127.0.0.1:${await relay.listen()}`;
    env = serviceEnvironment(database, { KAFKA_TOPIC_PREFIX: prefix, MONGO_URL: viaRelay.toString() });
    app = await startClientsApp(env);
    await new Promise<void>((resolve) => app.getHttpServer().listen(0, '127.0.0.1', resolve));
    port = (app.getHttpServer().address() as AddressInfo).port;
    manager = `Bearer ${await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'manager-1', tenantId: tenant, roles: ['manager'] })}`;

    // The cards are put in the read model as the projection would have left them: the export reads nothing else.
    direct = await mongoose.createConnection(realUrl).asPromise();
    const collection = direct.collection(await new ReadModelVersions(direct).activeCollection(CLIENT_PROFILES_COLLECTION));
    const cards = Array.from({ length: CARDS }, (_, index) => ({
      _id: `${tenant}:card-${index}`,
      clientId: `card-${index}`,
      tenantId: tenant,
      revision: 0,
      status: 'active',
      displayName: `Anna Nowak ${index}`,
      sortName: `anna nowak ${String(index).padStart(5, '0')}`,
      firstName: 'Anna',
      lastName: `Nowak ${index}`,
      phone: `+48601${String(index).padStart(6, '0')}`,
      comment: COMMENT,
    }));
    for (let start = 0; start < CARDS; start += 500) await collection.insertMany(cards.slice(start, start + 500) as never[]);
  }, 120_000);

  afterAll(async () => {
    relay.restore();
    await app?.close();
    await direct?.close();
    await relay.close();
    await cleanUpServiceEnvironment(kafka, prefix, realUrl);
  });

  it('cuts a download off visibly when the read model goes away mid-file, and records the export as failed', async () => {
    const outcome = await new Promise<{ status?: number; chunked: boolean; bytes: number; ended: 'complete' | 'cut off' }>((resolve, reject) => {
      const call = get({ host: '127.0.0.1', port, path: '/clients/export?format=csv', headers: { authorization: manager } }, (response) => {
        let bytes = 0;
        let settled = false;
        const settle = (ended: 'complete' | 'cut off') => {
          if (settled) return;
          settled = true;
          resolve({ status: response.statusCode, chunked: response.headers['transfer-encoding'] === 'chunked', bytes, ended });
        };
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () => settle(response.complete ? 'complete' : 'cut off'));
        response.on('aborted', () => settle('cut off'));
        response.on('error', () => settle('cut off'));
        response.on('close', () => settle(response.complete ? 'complete' : 'cut off'));
        // The outage strikes once the file has begun, while the rest of it is still to be read.
        response.pause();
        response.once('readable', () => {
          relay.cut();
          response.resume();
        });
      });
      call.on('error', reject);
    });
    expect(outcome).toMatchObject({ status: 200, chunked: true, ended: 'cut off' });
    expect(outcome.bytes).toBeLessThan(CARDS * COMMENT.length);
    relay.restore();
    // The audit (in the event store, which stayed up) says the export started and failed, with the rows it had sent.
    const store = new SqliteEventStore({ path: env.EVENTSTORE_PATH });
    try {
      const audit = await eventually(async () => {
        const events = await store.readStream(clientBaseExportsStream(tenant));
        return events.some((event) => event.type === 'ClientBaseExportFailed') ? events : undefined;
      }, 'the failed export in the audit');
      expect(audit.map((event) => event.type)).toEqual(['ClientBaseExportStarted', 'ClientBaseExportFailed']);
      expect(audit[1].data).toMatchObject({ reason: 'failed' });
      expect((audit[1].data as { rows: number }).rows).toBeLessThan(CARDS);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('answers 503 read-model-unavailable with Retry-After when the read model cannot be reached before the first byte', async () => {
    relay.cut();
    const response = await fetch(`http://127.0.0.1:${port}/clients/export?format=xlsx`, { headers: { authorization: manager } });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('10');
    expect(response.headers.get('content-disposition')).toBeNull();
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ statusCode: 503, error: 'read-model-unavailable' });
    relay.restore();
    // Back to normal once the read model answers again.
    await eventually(async () => {
      const again = await fetch(`http://127.0.0.1:${port}/clients/export?format=csv`, { headers: { authorization: manager } });
      const text = await again.text();
      return again.status === 200 && text.includes('+48601000001') ? true : undefined;
    }, 'the export to work again', { timeoutMs: 60_000, intervalMs: 500 });
  }, 120_000);
});
