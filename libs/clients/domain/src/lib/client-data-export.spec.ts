import { CommandMetadata, specificationFor } from '@salon/shared/ddd';
import {
  ClientDataExportCompleted,
  ClientDataExportRequested,
  DataExportCommand,
  clientIdOfDataExportStream,
  dataExportDecider,
  dataExportKey,
  dataExportPrefix,
  toDataExportStreamName,
} from './client-data-export';

const spec = specificationFor(dataExportDecider);

const clientId = 'c-1';
const requestId = 'r-1';
const now = new Date('2025-06-15T10:00:00.000Z');
const metadata: CommandMetadata = { tenantId: 'chain-1', correlationId: 'corr-1', causationId: 'cause-1', actorId: 'owner-1', now };
const at = now.toISOString();
const command = <C extends DataExportCommand>(type: C['type'], data: C['data']): C => ({ type, data, metadata }) as C;

const requested: ClientDataExportRequested = { type: 'ClientDataExportRequested', data: { clientId, requestId, requestedAt: at } };
const completed: ClientDataExportCompleted = {
  type: 'ClientDataExportCompleted',
  data: { clientId, requestId, byteLength: 1234, sha256: 'ab'.repeat(32), completedAt: at, expiresAt: '2025-06-22T10:00:00.000Z' },
};

describe('the data package decider', () => {
  it('records a request of an active client once per request id', () => {
    spec.given([]).when(command('RequestDataExport', { clientId, requestId, client: 'active' })).then([requested]);
    spec.given([requested]).when(command('RequestDataExport', { clientId, requestId, client: 'active' })).thenNothingHappened();
  });

  it('refuses an erased or deleted client with 409 and a message naming nothing personal; an unknown one is 404', () => {
    const erased = spec.given([]).when(command('RequestDataExport', { clientId, requestId, client: 'erased' })).thenThrows('client-erased');
    expect(erased.kind).toBe('conflict');
    expect(erased.reason).toBe('The client was erased: their personal data is gone, so no data package can be produced.');
    expect(spec.given([]).when(command('RequestDataExport', { clientId, requestId, client: 'deleted' })).thenThrows('client-deleted').kind).toBe('conflict');
    expect(spec.given([]).when(command('RequestDataExport', { clientId, requestId, client: 'unregistered' })).thenThrows('client-not-found').kind).toBe('not-found');
    const discarded = { type: 'ClientDataExportsDiscarded' as const, data: { clientId, because: 'erased' as const, discardedAt: at } };
    spec.given([discarded]).when(command('RequestDataExport', { clientId, requestId: 'r-2', client: 'active' })).thenThrows('client-erased');
  });

  it('completes a pending request with its size, digest and expiry, once', () => {
    spec.given([requested]).when(command('CompleteDataExport', { clientId, requestId, byteLength: 1234, sha256: 'ab'.repeat(32), retentionDays: 7 })).then([completed]);
    spec.given([requested, completed]).when(command('CompleteDataExport', { clientId, requestId, byteLength: 1, sha256: 'cd', retentionDays: 7 })).thenNothingHappened();
  });

  it('records each download link of a ready package, and refuses one of a package not ready', () => {
    const linkExpiresAt = '2025-06-15T10:15:00.000Z';
    spec
      .given([requested, completed])
      .when(command('IssueDataExportLink', { clientId, requestId, linkExpiresAt }))
      .then([{ type: 'ClientDataExportDownloaded', data: { clientId, requestId, linkIssuedAt: at, linkExpiresAt } }]);
    expect(spec.given([requested]).when(command('IssueDataExportLink', { clientId, requestId, linkExpiresAt })).thenThrows('data-export-not-ready').kind).toBe('conflict');
    spec.given([]).when(command('IssueDataExportLink', { clientId, requestId, linkExpiresAt })).thenThrows('data-export-not-found');
  });

  it('records each download the service hands out itself, and refuses one of a package not ready or gone', () => {
    const delivered = { type: 'ClientDataExportDelivered' as const, data: { clientId, requestId, deliveredAt: at } };
    spec.given([requested, completed]).when(command('DeliverDataExport', { clientId, requestId })).then([delivered]);
    // Every download is recorded, the second as the first.
    spec.given([requested, completed, delivered]).when(command('DeliverDataExport', { clientId, requestId })).then([delivered]);
    expect(spec.given([requested]).when(command('DeliverDataExport', { clientId, requestId })).thenThrows('data-export-not-ready').kind).toBe('conflict');
    const expired = { type: 'ClientDataExportExpired' as const, data: { clientId, requestId, expiredAt: at } };
    spec.given([requested, completed, expired]).when(command('DeliverDataExport', { clientId, requestId })).thenThrows('data-export-not-ready');
    spec.given([]).when(command('DeliverDataExport', { clientId, requestId })).thenThrows('data-export-not-found');
  });

  it('expires a ready package, refuses a pending one whose client went, and discards every package on erasure', () => {
    spec.given([requested, completed]).when(command('ExpireDataExport', { clientId, requestId })).then([{ type: 'ClientDataExportExpired', data: { clientId, requestId, expiredAt: at } }]);
    spec.given([requested]).when(command('ExpireDataExport', { clientId, requestId })).thenNothingHappened();
    spec
      .given([requested])
      .when(command('RefuseDataExport', { clientId, requestId, because: 'client-erased' }))
      .then([{ type: 'ClientDataExportRefused', data: { clientId, requestId, because: 'client-erased', refusedAt: at } }]);
    const discarded = { type: 'ClientDataExportsDiscarded' as const, data: { clientId, because: 'erased' as const, discardedAt: at } };
    spec.given([requested, completed]).when(command('DiscardDataExports', { clientId, because: 'erased' })).then([discarded]);
    spec.given([requested, completed, discarded]).when(command('DiscardDataExports', { clientId, because: 'erased' })).thenNothingHappened();
    spec.given([requested, completed, discarded]).when(command('IssueDataExportLink', { clientId, requestId, linkExpiresAt: at })).thenThrows('data-export-not-ready');
  });

  it('names streams and object keys with ids only', () => {
    expect(toDataExportStreamName(clientId)).toBe('data-exports-c-1');
    expect(clientIdOfDataExportStream('data-exports-c-1')).toBe(clientId);
    expect(() => clientIdOfDataExportStream('client-c-1')).toThrow('not a data-export stream');
    expect(dataExportPrefix('t-1', clientId)).toBe('tenant/t-1/client/c-1/data-export/');
    expect(dataExportKey('t-1', clientId, requestId)).toBe('tenant/t-1/client/c-1/data-export/r-1.zip');
  });
});
