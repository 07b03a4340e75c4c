import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MessageProducer, MessagingClient } from '@salon/shared/messaging';
import { ClientEventsAsReadV1, ClientEventsV1, ConsentStateV1, HEADERS, TOPICS } from '@salon/contracts';
import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { configureHttpApp, loadConfig, WorkerHost } from '@salon/shared/nest';
import { cleanUpServiceEnvironment } from '@salon/shared/testing';
import { AppModule } from '../app.module';
import { ConsentServiceConfig } from '../config';

export async function startConsentApp(env: Record<string, string>): Promise<INestApplication> {
  const config = loadConfig(ConsentServiceConfig, env);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forConfig(config)] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  configureHttpApp(app, { name: 'consent-service', description: 'test' });
  await app.init();
  // The HTTP side starts without its workers; the tests expect them running.
  await app.get(WorkerHost).whenStarted();
  return app;
}

/** What this suite created: its prefixed topics and its database. */
export const cleanUp = cleanUpServiceEnvironment;

/** How a fake registration is published. */
export interface RegistrationOptions {
  readonly smsCapable?: boolean;
  /** Inside the encrypted envelope only; `hasEmail` says in clear whether there is one. */
  readonly email?: string;
  /** The clear fact; by default whether `email` is given (set it apart only to show which of the two is read). */
  readonly hasEmail?: boolean;
  readonly initialConsent?: ClientEventsV1['ClientRegistered']['initialConsent'];
  /** As the clients relay published it before `hasEmail` was in the contract: the e-mail only inside `pii`. */
  readonly withoutHasEmail?: boolean;
}

/**
 * Plays the clients context: publishes its integration events on `<prefix>clients.client-events.v1`
 * as its relay does (key = client id, the standard headers, one revision counter per client).
 * Personal fields are encrypted with a key store of its own, which the consent service cannot
 * reach: whatever the consent service decides, it decides from the clear facts.
 */
export class FakeClientsContext {
  private readonly revisions = new Map<string, number>();
  private readonly cipher = new PersonalDataCipher(new InMemoryKeyStore());

  constructor(
    private readonly producer: MessageProducer,
    private readonly prefix: string,
    private readonly tenantId: string,
  ) {}

  async registered(options: RegistrationOptions = {}, clientId: string = randomUUID()): Promise<string> {
    await this.send([await this.registration(clientId, options)]);
    return clientId;
  }

  async registration(
    clientId: string,
    { smsCapable = true, email, hasEmail = email !== undefined, initialConsent = {}, withoutHasEmail = false }: RegistrationOptions,
  ): Promise<ClientMessage> {
    const personal = { phone: smsCapable ? '+48601000000' : '+48221000000', email, firstName: 'Anna' };
    const encrypted = await this.cipher.encrypt(this.tenantId, clientId, personal, ['phone', 'email', 'firstName']);
    const data: ClientEventsV1['ClientRegistered'] = {
      clientId,
      phoneLineType: smsCapable ? 'mobile' : 'fixed-line',
      smsCapable,
      hasEmail,
      initialConsent,
      registeredAt: new Date().toISOString(),
      pii: encrypted.pii,
    };
    if (withoutHasEmail) {
      const { hasEmail: _notYetPublished, ...old } = data;
      return { type: 'ClientRegistered', clientId, data: old satisfies ClientEventsAsReadV1['ClientRegistered'] };
    }
    return { type: 'ClientRegistered', clientId, data };
  }

  profileEdited(clientId: string, smsCapable: boolean, { withoutHasEmail = false }: { withoutHasEmail?: boolean } = {}): ClientMessage {
    const data: ClientEventsAsReadV1['ClientProfileEdited'] = {
      clientId,
      phoneLineType: smsCapable ? 'mobile' : 'fixed-line',
      smsCapable,
      ...(withoutHasEmail ? {} : { hasEmail: false }),
      editedAt: new Date().toISOString(),
    };
    return { type: 'ClientProfileEdited', clientId, data };
  }

  deleted(clientId: string): ClientMessage {
    return { type: 'ClientDeleted', clientId, data: { clientId, deletedAt: new Date().toISOString() } };
  }

  erased(clientId: string): ClientMessage {
    return { type: 'ClientErased', clientId, data: { clientId, archivedNumber: 1, erasedAt: new Date().toISOString() } };
  }

  async send(messages: readonly ClientMessage[]): Promise<void> {
    await this.producer.send({
      topic: this.prefix + TOPICS.clientEvents.name,
      messages: messages.map((message) => {
        const revision = (this.revisions.get(message.clientId) ?? -1) + 1;
        this.revisions.set(message.clientId, revision);
        return {
          key: message.clientId,
          value: JSON.stringify(message.data),
          headers: {
            [HEADERS.eventId]: randomUUID(),
            [HEADERS.eventType]: message.type,
            [HEADERS.schemaVersion]: '1',
            [HEADERS.tenantId]: this.tenantId,
            [HEADERS.correlationId]: randomUUID(),
            [HEADERS.causationId]: randomUUID(),
            [HEADERS.streamRevision]: String(revision),
          },
        };
      }),
    });
  }
}

export interface ClientMessage {
  readonly type: keyof ClientEventsV1;
  readonly clientId: string;
  readonly data: unknown;
}

/**
 * Reads `<prefix>consent.consent-state.v1` from the beginning with a fresh consumer group, the way
 * a sender builds its table: the latest value per key, a tombstone deletes the key. Returns once
 * `done(table)` holds (or throws after `timeoutMs`).
 */
export async function rebuildConsentTable(
  kafka: MessagingClient,
  prefix: string,
  done: (table: ReadonlyMap<string, ConsentStateV1>, tombstones: ReadonlySet<string>) => boolean,
  timeoutMs = 60_000,
): Promise<{ table: Map<string, ConsentStateV1>; tombstones: Set<string>; headers: Map<string, Record<string, string>> }> {
  const table = new Map<string, ConsentStateV1>();
  const tombstones = new Set<string>();
  const headers = new Map<string, Record<string, string>>();
  const consumer = kafka.consumer({ groupId: `${prefix}test.fresh-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [prefix + TOPICS.consentState.name], fromBeginning: true });
    let resolveDone!: () => void;
    const finished = new Promise<void>((resolve) => (resolveDone = resolve));
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const key = String(message.key);
          headers.set(
            key,
            Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])),
          );
          if (message.value === null) {
            table.delete(key);
            tombstones.add(key);
          } else {
            table.set(key, JSON.parse(message.value.toString()) as ConsentStateV1);
            tombstones.delete(key);
          }
        }
        if (done(table, tombstones)) resolveDone();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`consent-state table not complete after ${timeoutMs} ms (${table.size} keys)`)), timeoutMs);
    });
    await Promise.race([finished, timeout]).finally(() => clearTimeout(timer));
    return { table, tombstones, headers };
  } finally {
    await consumer.disconnect();
  }
}
