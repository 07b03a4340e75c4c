import { ClientDataExportCompleted, ClientDeleted, ClientErased, clientIdOfStream, dataExportKey, dataExportPrefix } from '@salon/clients/domain';
import { RecordedEvent } from '@salon/shared/event-store';
import { FollowUpOutcome } from '@salon/shared/messaging';
import { commandMetadata, systemContext } from '@salon/shared/nest';
import { ObjectStore } from '@salon/shared/object-store';
import { BuildClientDataPackage } from '../build-client-data-package/build-client-data-package.service';
import { DataExportStream } from '../client-data-export/data-export-stream';

/** The streams the package's follow-ups read: the data-export streams, and the client streams for erasures. */
export const DATA_EXPORT_FOLLOW_UP_PREFIXES = ['data-exports-'] as const;
export const CLIENT_REMOVAL_PREFIXES = ['client-'] as const;

/**
 * Makes each requested package. The request is on the event store, so a package whose making
 * was cut short (a restart, the object store down) is made again from this follow-up's checkpoint;
 * one that is no longer pending is passed over. Packages are made one after the other.
 */
export function dataPackageJobs(build: BuildClientDataPackage) {
  return async (event: RecordedEvent): Promise<FollowUpOutcome> => {
    if (event.type === 'ClientDataExportRequested') await build.execute(event);
    return 'done';
  };
}

/**
 * Deletes each package once DATA_EXPORT_RETENTION_DAYS are over (every version of its object) and
 * records it expired. Packages complete in order and share one retention, so the follow-up waits
 * ('not-yet') at the first one not yet due.
 */
export function dataPackageExpiry(exports: DataExportStream, objects: ObjectStore, now = () => Date.now()) {
  return async (event: RecordedEvent): Promise<FollowUpOutcome> => {
    if (event.type !== 'ClientDataExportCompleted') return 'done';
    const { clientId, requestId, expiresAt } = event.data as ClientDataExportCompleted['data'];
    if (now() < Date.parse(expiresAt)) return 'not-yet';
    const { tenantId, correlationId } = event.metadata;
    await objects.removeEverythingUnder(dataExportKey(tenantId, clientId, requestId));
    await exports.record(clientId, {
      type: 'ExpireDataExport',
      data: { clientId, requestId },
      metadata: { ...commandMetadata(systemContext(tenantId, correlationId), new Date(now())), causationId: event.id },
    });
    return 'done';
  };
}

/**
 * An erased or deleted client's packages go with their personal data: every version and delete
 * marker under the client's data-export prefix, as media removes the photos. Repeatable.
 */
export function dataPackagesOfRemovedClients(exports: DataExportStream, objects: ObjectStore) {
  return async (event: RecordedEvent): Promise<FollowUpOutcome> => {
    if (event.type !== 'ClientErased' && event.type !== 'ClientDeleted') return 'done';
    const { clientId } = event.data as (ClientErased | ClientDeleted)['data'];
    const { tenantId, correlationId } = event.metadata;
    if (clientId !== clientIdOfStream(event.streamName)) return 'done';
    await objects.removeEverythingUnder(dataExportPrefix(tenantId, clientId));
    await exports.record(clientId, {
      type: 'DiscardDataExports',
      data: { clientId, because: event.type === 'ClientErased' ? 'erased' : 'deleted' },
      metadata: { ...commandMetadata(systemContext(tenantId, correlationId)), causationId: event.id },
    });
    return 'done';
  };
}
