import { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import {
  ClientDataExportRequested,
  DataPackageLanguage,
  dataExportKey,
  dataExportPrefix,
  toClientStreamName,
  toDataExportStreamName,
} from '@salon/clients/domain';
import { PersonalDataCipher } from '@salon/shared/crypto';
import { EVENT_STORE, EventStore, RecordedEvent } from '@salon/shared/event-store';
import { CommandContext, commandMetadata, systemContext } from '@salon/shared/nest';
import { ObjectStore } from '@salon/shared/object-store';
import { ClientStream } from '../client-stream/client-stream';
import { DATA_EXPORT_SETTINGS, DataExportSettings } from '../client-data-export/client-data-export-settings';
import { DATA_EXPORT_STORE } from '../client-data-export/data-export-store';
import { DataExportStream } from '../client-data-export/data-export-stream';
import { ClientProfileQueries, ClientProfileView } from '../projections/client-profiles';
import { clientEventCodec } from '../relay/client-integration-events';
import { standingOf } from '../request-client-data-export/request-client-data-export.service';
import { dataPackageReadme } from './data-package-readme';
import { DataPackageZip, WrittenZip } from './data-package-zip';
import { HistoryEntry, PartRequest, PersonalDataParts } from './personal-data-parts';

/** The manifest's schema: a reader checks it before reading the rest. */
export const DATA_PACKAGE_SCHEMA_VERSION = 1;

const VISIT_CSV_COLUMNS = ['number', 'visitId', 'status', 'startsAt', 'endsAt', 'salonDate', 'salonId', 'services', 'specialists', 'price', 'discount', 'total', 'paid'] as const;

interface VisitRecord {
  readonly visitId: string;
  readonly number: number;
  readonly status: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly salonDate: string;
  readonly salonId: string;
  readonly services?: readonly { readonly name?: string }[];
  readonly specialists?: readonly { readonly name?: string }[];
  readonly amounts?: { readonly price?: string | number; readonly discount?: string | number; readonly total?: string | number; readonly paid?: string | number };
}

/**
 * Makes one requested data package: reads every part — the profile, statistics and history from
 * this context, the visits, consents and photos from theirs — and streams them into one zip in the
 * object store (DataPackageZip), then records it completed with its size and digest. Run by the
 * data-export follow-up for each ClientDataExportRequested, so a request survives a restart: it
 * is made again from the start (same key, the unfinished upload is replaced).
 */
@Injectable()
export class BuildClientDataPackage {
  private readonly logger = new Logger(BuildClientDataPackage.name);
  private readonly parts: PersonalDataParts;
  private bucketReady?: Promise<void>;

  constructor(
    private readonly clients: ClientStream,
    private readonly exports: DataExportStream,
    private readonly profiles: ClientProfileQueries,
    private readonly cipher: PersonalDataCipher,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_EXPORT_STORE) private readonly objects: ObjectStore,
    @Inject(DATA_EXPORT_SETTINGS) private readonly settings: DataExportSettings,
  ) {
    this.parts = new PersonalDataParts(
      { visits: settings.visitsServiceUrl, consent: settings.consentServiceUrl, media: settings.mediaServiceUrl },
      settings.serviceTokenSecret,
    );
  }

  /** The bucket, created on first use (the service starts without the object store). */
  ensureBucket(): Promise<void> {
    this.bucketReady ??= this.objects.ensureBucket().catch((error: unknown) => {
      this.bucketReady = undefined;
      throw error;
    });
    return this.bucketReady;
  }

  async execute(requested: RecordedEvent): Promise<void> {
    const { clientId, requestId, language = this.settings.language } = requested.data as ClientDataExportRequested['data'];
    const { tenantId, correlationId } = requested.metadata;
    const job: CommandContext = { ...systemContext(tenantId, correlationId) };
    const found = (await this.exports.state(tenantId, clientId)).requests[requestId];
    if (found?.status !== 'pending') return;

    const { state: client, revision } = await this.clients.load(tenantId, clientId);
    const standing = standingOf(client);
    if (standing === 'erased' || standing === 'deleted') {
      await this.exports.record(clientId, { type: 'RefuseDataExport', data: { clientId, requestId, because: `client-${standing}` }, metadata: commandMetadata(job) });
      return;
    }
    const view = await this.profiles.getProfile(tenantId, clientId);
    // The card must show the stream's last change, or the package would hold an older profile.
    if (!view || BigInt(view.revision) < (revision ?? -1n)) throw new Error(`the profile view of ${clientId} is behind its stream; retried`);

    await this.ensureBucket();
    const request: PartRequest = { tenantId, clientId, userId: requested.metadata.actorId ?? 'system', correlationId };
    const generatedAt = new Date();
    const key = dataExportKey(tenantId, clientId, requestId);
    const zip = new DataPackageZip((stream) => this.objects.put(key, stream, { contentType: 'application/zip' }), generatedAt);
    let stored: WrittenZip;
    try {
      stored = await this.writePackage(zip, { tenantId, clientId, requestId, generatedAt, request, view, language });
    } catch (error) {
      // A part that could not be read (a service down) ends this attempt; the follow-up retries it.
      // The parts uploaded so far hold personal data: they go now, not when the store sweeps them.
      await zip.abort();
      await Promise.all([this.objects.removeEverythingUnder(key), this.objects.removeIncompleteUpload(key)]).catch(() =>
        this.logger.warn(`could not remove what the interrupted package ${requestId} left in the store`),
      );
      throw error;
    }

    await this.exports.record(clientId, {
      type: 'CompleteDataExport',
      data: { clientId, requestId, byteLength: stored.byteLength, sha256: stored.sha256, retentionDays: this.settings.retentionDays },
      metadata: commandMetadata(job),
    });
    // An erasure that came meanwhile may have cleared the prefix before this upload ended.
    const now = standingOf(await this.clients.state(tenantId, clientId));
    if (now !== 'active') {
      await this.objects.removeEverythingUnder(dataExportPrefix(tenantId, clientId));
      await this.exports.record(clientId, { type: 'DiscardDataExports', data: { clientId, because: now === 'deleted' ? 'deleted' : 'erased' }, metadata: commandMetadata(job) });
    }
    this.logger.log(`data package ${requestId} of client ${clientId} stored (${stored.byteLength} bytes)`);
  }

  /** Every file of the package, one after the other, then the zip's end: the stored zip's size and digest. */
  private async writePackage(
    zip: DataPackageZip,
    {
      tenantId,
      clientId,
      requestId,
      generatedAt,
      request,
      view,
      language,
    }: { tenantId: string; clientId: string; requestId: string; generatedAt: Date; request: PartRequest; view: ClientProfileView; language: DataPackageLanguage },
  ): Promise<WrittenZip> {
    const json = (value: unknown) => [JSON.stringify(value, null, 2), '\n'];

    const { visitStatistics, ...profile } = view as typeof view & { visitStatistics?: unknown };
    await zip.add('profile.json', json(profile));
    await zip.add('statistics.json', json({ clientId, visitStatistics: visitStatistics ?? null }));
    const consent = await this.parts.consentPart(request);
    await zip.add('consents.json', json({ clientId, consent: consent.consent, ledger: consent.ledger }));
    await zip.add('visits.json', this.visitsJson(request));
    await zip.add('visits.csv', this.visitsCsv(request));
    const photos = await this.parts.photosPart(request);
    await zip.add('history.json', this.historyJson(tenantId, clientId, request, [...consent.events, ...photos.events]));
    for (const file of photos.files) {
      // Images are compressed already.
      await zip.add(`photos/${file.name}`, await download(file.url), { compress: false });
    }
    await zip.add('README.html', [dataPackageReadme(language, { tenantId, clientId, requestId, generatedAt: generatedAt.toISOString(), retentionDays: this.settings.retentionDays, files: zip.written })]);
    await zip.add(
      'manifest.json',
      json({ schemaVersion: DATA_PACKAGE_SCHEMA_VERSION, generatedAt: generatedAt.toISOString(), tenantId, clientId, requestId, language, files: zip.written }),
    );
    return zip.finish();
  }

  private async *visitsJson(request: PartRequest): AsyncGenerator<string> {
    yield '[';
    let first = true;
    for await (const page of this.parts.visitPages(request)) {
      for (const visit of page.visits) {
        yield `${first ? '\n' : ',\n'}${JSON.stringify(visit, null, 2)}`;
        first = false;
      }
    }
    yield '\n]\n';
  }

  private async *visitsCsv(request: PartRequest): AsyncGenerator<string> {
    yield stringify([VISIT_CSV_COLUMNS as unknown as string[]]);
    for await (const page of this.parts.visitPages(request)) {
      for (const visit of page.visits as unknown as readonly VisitRecord[]) {
        const names = (list?: readonly { readonly name?: string }[]) => (list ?? []).map((entry) => entry.name ?? '').join('; ');
        yield stringify([
          [
            visit.number,
            visit.visitId,
            visit.status,
            visit.startsAt,
            visit.endsAt,
            visit.salonDate,
            visit.salonId,
            names(visit.services),
            names(visit.specialists),
            visit.amounts?.price ?? '',
            visit.amounts?.discount ?? '',
            visit.amounts?.total ?? '',
            visit.amounts?.paid ?? '',
          ],
        ]);
      }
    }
  }

  /** Every event of the client's streams in every context, decoded, oldest first per stream. */
  private async *historyJson(tenantId: string, clientId: string, request: PartRequest, others: readonly HistoryEntry[]): AsyncGenerator<string> {
    const codec = clientEventCodec(this.cipher);
    let first = true;
    const entry = (value: HistoryEntry) => {
      const text = `${first ? '\n' : ',\n'}${JSON.stringify(value, null, 2)}`;
      first = false;
      return text;
    };
    yield '[';
    for (const event of await this.ownStream(toClientStreamName(clientId), tenantId)) yield entry(historyEntryOf('clients', event, (await codec.decode(event)).data));
    for (const event of await this.ownStream(toDataExportStreamName(clientId), tenantId)) yield entry(historyEntryOf('clients', event, (await this.exports.codec.decode(event)).data));
    for (const other of others) yield entry(other);
    for await (const page of this.parts.visitPages(request)) for (const event of page.events) yield entry(event);
    yield '\n]\n';
  }

  private async ownStream(stream: string, tenantId: string): Promise<RecordedEvent[]> {
    return (await this.store.readStream(stream)).filter((event) => event.metadata.tenantId === tenantId);
  }
}

function historyEntryOf(context: string, event: RecordedEvent, data: unknown): HistoryEntry {
  return {
    context,
    stream: event.streamName,
    revision: String(event.revision),
    type: event.type,
    recordedAt: event.createdAt.toISOString(),
    actorId: event.metadata.actorId ?? null,
    salonId: event.metadata.salonId ?? null,
    correlationId: event.metadata.correlationId,
    data,
  };
}

/** A stored image, streamed from its presigned link (never held whole). */
async function download(url: string): Promise<Readable> {
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  if (!response.ok || !response.body) throw new Error(`a photo of the package could not be read (${response.status})`);
  return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
}
