import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import {
  ClientDataExportsDiscarded,
  ClientErased,
  ErasureCertificate,
  RecordedErasure,
  StoreConfirmation,
  buildErasureCertificate,
  toClientStreamName,
  toDataExportStreamName,
} from '@salon/clients/domain';
import { AuditSeal, AuditSigner, CanonicalJsonValue, KEY_STORE, KeyStore } from '@salon/shared/crypto';
import { DomainError } from '@salon/shared/ddd';
import { EVENT_STORE, EventStore, RecordedEvent } from '@salon/shared/event-store';
import { ReadModelVersions } from '@salon/shared/messaging';
import { MONGO_CONNECTION } from '@salon/shared/nest';
import { ClientStream, clientNotFound } from '../client-stream/client-stream';
import { CLIENT_PROFILES_COLLECTION, ClientProfileDocument, PERSONAL_DOCUMENT_FIELDS, PHONE_FACT_FIELDS } from '../projections/client-profiles/client-profile.document';
import { ErasureConfirmations } from './erasure-confirmations';

/** The certificate and its seal: the digest of its canonical JSON and the HMAC over the same bytes. */
export interface SignedErasureCertificate extends AuditSeal {
  readonly certificate: ErasureCertificate;
}

/** What the card read model must no longer hold once the client is erased. */
const FIELDS_GONE_ON_ERASURE = [...PERSONAL_DOCUMENT_FIELDS, ...PHONE_FACT_FIELDS, 'search'] as const;

/**
 * GET /clients/{id}/erasure: the erasure certificate of an erased client. Each store is checked
 * where it can be: the event store and the key store, the card read model (every version) and
 * the data-package record at read time, from this service's own stores; the media and consent
 * contexts' parts from the confirmations they published (ErasureConfirmationsPolicy). The
 * certificate holds ids, the archived number, timestamps, store names and counts, and is signed
 * (AuditSigner) so that an auditor can check a copy later.
 */
@Injectable()
export class GetErasureCertificate {
  private readonly versions: ReadModelVersions;
  private readonly confirmations: ErasureConfirmations;

  constructor(
    private readonly clients: ClientStream,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
    @Inject(MONGO_CONNECTION) private readonly mongo: Connection,
    private readonly signer: AuditSigner,
  ) {
    this.versions = new ReadModelVersions(mongo);
    this.confirmations = new ErasureConfirmations(mongo);
  }

  async execute(tenantId: string, clientId: string): Promise<SignedErasureCertificate> {
    const { state } = await this.clients.load(tenantId, clientId);
    if (state.status === 'unregistered' || state.status === 'deleted') throw clientNotFound(clientId);
    if (state.status !== 'erased') throw clientNotErased(clientId);
    const stream = await this.store.readStream(toClientStreamName(clientId));
    const erasedEvent = stream.find((event) => event.type === 'ClientErased');
    // The state said erased, so the event is there; its absence would be a broken stream, not a request's fault.
    if (!erasedEvent) throw new Error('An erased client has no ClientErased event');
    const erasure = recordedErasureOf(erasedEvent);

    const confirmations = await Promise.all([
      this.eventStore(tenantId, clientId, stream.length),
      this.clientReadModel(tenantId, clientId, erasure.archivedNumber),
      this.dataPackages(tenantId, clientId),
      this.confirmedElsewhere(tenantId, clientId),
    ]);
    const certificate = buildErasureCertificate(erasure, confirmations.flat());
    return { certificate, ...this.signer.seal(certificate as unknown as CanonicalJsonValue) };
  }

  /** ClientErased is recorded (the state says so) and the data key is gone: a tombstone, no key. */
  private async eventStore(tenantId: string, clientId: string, clientEvents: number): Promise<StoreConfirmation> {
    const [deletedAt, key] = await Promise.all([this.keys.keyDeletedAt(tenantId, clientId), this.keys.findKey(tenantId, clientId)]);
    const destroyed = deletedAt !== undefined && key === undefined;
    return {
      store: 'event-store',
      ...(destroyed ? { confirmedAt: deletedAt.toISOString() } : {}),
      evidence: { dataKey: destroyed ? 'destroyed' : 'present', clientEvents },
    };
  }

  /**
   * The active version's card shows "Archived client N" and holds no personal field, and no
   * superseded version still has a card of the client (the superseded-profiles purge). Confirmed
   * at the time the card records for the erasure.
   */
  private async clientReadModel(tenantId: string, clientId: string, archivedNumber: number): Promise<StoreConfirmation> {
    const { active, superseded } = await this.versions.existing(CLIENT_PROFILES_COLLECTION);
    const card = await this.mongo.collection<ClientProfileDocument>(active).findOne({ _id: clientId, tenantId });
    const leftInSuperseded = await Promise.all(
      superseded.map((collection) => this.mongo.collection<ClientProfileDocument>(collection).countDocuments({ _id: clientId, tenantId })),
    );
    const personalFieldsLeft = card ? FIELDS_GONE_ON_ERASURE.filter((field) => card[field] !== undefined && card[field] !== null).length : 0;
    const anonymised = card?.status === 'erased' && card.archivedNumber === archivedNumber && personalFieldsLeft === 0 && card.erasedAt instanceof Date;
    const purged = leftInSuperseded.every((count) => count === 0);
    return {
      store: 'client-read-model',
      ...(anonymised && purged ? { confirmedAt: (card.erasedAt as Date).toISOString() } : {}),
      evidence: {
        activeVersion: active,
        activeCard: card === null ? 'missing' : anonymised ? 'anonymised' : 'not-anonymised-yet',
        personalFieldsLeft,
        supersededVersions: superseded.length,
        supersededCardsLeft: leftInSuperseded.reduce((sum, count) => sum + count, 0),
      },
    };
  }

  /**
   * The data-package follow-up records ClientDataExportsDiscarded (because erased) only after it
   * removed every version of every package object under the client's prefix.
   */
  private async dataPackages(tenantId: string, clientId: string): Promise<StoreConfirmation> {
    const events = await this.store.readStream(toDataExportStreamName(clientId));
    const ofChain = events.filter((event) => event.metadata.tenantId === tenantId);
    const discarded = ofChain.find((event) => event.type === 'ClientDataExportsDiscarded' && (event.data as ClientDataExportsDiscarded['data']).because === 'erased');
    const packagesRequested = ofChain.filter((event) => event.type === 'ClientDataExportRequested').length;
    return {
      store: 'data-packages',
      ...(discarded ? { confirmedAt: (discarded.data as ClientDataExportsDiscarded['data']).discardedAt } : {}),
      evidence: { packagesRequested, ...(discarded ? { recordedBy: discarded.id } : {}) },
    };
  }

  private async confirmedElsewhere(tenantId: string, clientId: string): Promise<StoreConfirmation[]> {
    const found = await this.confirmations.of(tenantId, clientId);
    return (['media', 'consent'] as const).map((store): StoreConfirmation => {
      const confirmation = found.get(store);
      return confirmation
        ? { store, confirmedAt: confirmation.confirmedAt, evidence: { confirmedBy: confirmation.eventType, eventId: confirmation._id } }
        : { store, evidence: {} };
    });
  }
}

export function clientNotErased(clientId: string): DomainError {
  return DomainError.conflict(
    'client-not-erased',
    'The client has not been erased, so there is no erasure certificate; erase the client first (POST /clients/{id}/erasure).',
    { clientId },
  );
}

function recordedErasureOf(event: RecordedEvent): RecordedErasure {
  const data = event.data as ClientErased['data'];
  const { tenantId, actorId, salonId, correlationId } = event.metadata;
  return {
    tenantId,
    clientId: data.clientId,
    eventId: event.id,
    archivedNumber: data.archivedNumber,
    visitCount: data.visitCount,
    erasedAt: data.erasedAt,
    correlationId,
    ...(actorId === undefined ? {} : { actorId }),
    ...(data.actorRole === undefined ? {} : { actorRole: data.actorRole }),
    ...(salonId === undefined ? {} : { salonId }),
  };
}
