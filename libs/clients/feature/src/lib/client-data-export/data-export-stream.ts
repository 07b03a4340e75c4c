import { Inject, Injectable } from '@nestjs/common';
import {
  DataExportCommand,
  DataExportEvent,
  DataExportState,
  dataExportDecider,
  dataExportEventCatalog,
  toDataExportStreamName,
} from '@salon/clients/domain';
import { CommandHandler, EventCodec } from '@salon/shared/event-sourcing';
import { EVENT_STORE, EventStore } from '@salon/shared/event-store';

/** The stream of a client's data packages (`data-exports-<clientId>`): loading and recording. */
@Injectable()
export class DataExportStream {
  readonly codec = EventCodec.withoutPersonalData(dataExportEventCatalog);
  private readonly handler: CommandHandler<DataExportState, DataExportCommand, DataExportEvent>;

  constructor(@Inject(EVENT_STORE) store: EventStore) {
    this.handler = new CommandHandler(store, dataExportDecider, this.codec);
  }

  async state(tenantId: string, clientId: string): Promise<DataExportState> {
    return (await this.handler.load(toDataExportStreamName(clientId), tenantId)).state;
  }

  async record(clientId: string, command: DataExportCommand): Promise<DataExportState> {
    return (await this.handler.handle(toDataExportStreamName(clientId), command)).state;
  }
}
