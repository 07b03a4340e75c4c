import { Inject, Injectable } from '@nestjs/common';
import {
  CLIENT_IMPORT_STREAM_PREFIXES,
  ClientImportCommand,
  ClientImportEvent,
  ClientImportJob,
  ClientImportState,
  clientImportDecider,
  clientImportEventCatalog,
  toClientImportStreamName,
} from '@salon/clients/domain';
import { PersonalDataCipher } from '@salon/shared/crypto';
import { DomainError } from '@salon/shared/ddd';
import { CommandHandler, EventCodec } from '@salon/shared/event-sourcing';
import { EVENT_STORE, EventStore, GlobalPosition } from '@salon/shared/event-store';

/** The job streams (`clientImport-<jobId>`): loading and recording, as ClientStream does for clients. */
@Injectable()
export class ClientImportJobs {
  private readonly handler: CommandHandler<ClientImportState, ClientImportCommand, ClientImportEvent>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    cipher: PersonalDataCipher,
  ) {
    // Job events hold no personal data: the subject is never used to decrypt.
    this.handler = new CommandHandler(store, clientImportDecider, new EventCodec(clientImportEventCatalog, cipher, (stream) => stream));
  }

  /** Another chain's job reads as missing. */
  async load(tenantId: string, jobId: string): Promise<{ state: ClientImportState; revision: bigint | undefined }> {
    const { state, revision } = await this.handler.load(toClientImportStreamName(jobId), tenantId);
    return { state, revision };
  }

  async job(tenantId: string, jobId: string): Promise<ClientImportJob> {
    const { state } = await this.load(tenantId, jobId);
    if (state.status === 'none') throw importNotFound(jobId);
    return state;
  }

  async record(jobId: string, command: ClientImportCommand): Promise<ClientImportState> {
    return (await this.handler.handle(toClientImportStreamName(jobId), command)).state;
  }

  /**
   * Every job of every chain with its tenant, from the job streams' events. A restarted runner
   * looks here for jobs to resume and files to remove; it reads the job streams only.
   */
  async everyJob(): Promise<{ tenantId: string; jobId: string; lastEventType: string }[]> {
    const jobs = new Map<string, { tenantId: string; jobId: string; lastEventType: string }>();
    let after: GlobalPosition | undefined;
    for (;;) {
      const page = await this.store.readAll({ streamPrefixes: CLIENT_IMPORT_STREAM_PREFIXES, maxCount: 1000, ...(after ? { after } : {}) });
      for (const event of page) {
        const jobId = event.streamName.slice(CLIENT_IMPORT_STREAM_PREFIXES[0].length);
        jobs.set(jobId, { tenantId: event.metadata.tenantId, jobId, lastEventType: event.type });
      }
      if (page.length < 1000) break;
      after = page[page.length - 1].position;
    }
    return [...jobs.values()];
  }
}

export function importNotFound(jobId: string): DomainError {
  return DomainError.notFound('import-not-found', 'There is no such import in your salon chain.', { jobId });
}
