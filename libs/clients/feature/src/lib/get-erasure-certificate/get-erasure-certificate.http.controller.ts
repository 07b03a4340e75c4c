import { Controller, Get, Param } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, ParseIdPipe, Roles, ErrorCodes } from '@salon/shared/nest';
import { GetErasureCertificate, SignedErasureCertificate } from './get-erasure-certificate.query';

const EXAMPLE: SignedErasureCertificate = {
  certificate: {
    kind: 'salon.erasure-certificate',
    schemaVersion: 1,
    tenantId: 'chain-1',
    clientId: '0b7e3c1e-7a54-4f7e-9a0e-5d8f2b0c9d11',
    archivedNumber: 3,
    archivedAs: 'Archived client 3',
    erasure: {
      eventId: '5f0c…',
      erasedAt: '2026-12-02T10:00:00.000Z',
      by: { kind: 'staff', userId: 'owner-1', role: 'owner', salonId: 'salon-centre' },
    },
    kept: { visits: 4 },
    status: 'complete',
    completedAt: '2026-12-02T10:00:01.200Z',
    stores: [
      { store: 'event-store', status: 'confirmed', confirmedAt: '2026-12-02T10:00:00.020Z', evidence: { dataKey: 'destroyed', clientEvents: 7 } },
      {
        store: 'client-read-model',
        status: 'confirmed',
        confirmedAt: '2026-12-02T10:00:00.000Z',
        evidence: { activeVersion: 'client_profiles_v1', activeCard: 'anonymised', personalFieldsLeft: 0, supersededVersions: 0, supersededCardsLeft: 0 },
      },
      { store: 'data-packages', status: 'confirmed', confirmedAt: '2026-12-02T10:00:00.300Z', evidence: { packagesRequested: 1, recordedBy: '9a1d…' } },
      { store: 'media', status: 'confirmed', confirmedAt: '2026-12-02T10:00:00.900Z', evidence: { confirmedBy: 'ClientPhotosErased', eventId: 'c2e4…' } },
      { store: 'consent', status: 'confirmed', confirmedAt: '2026-12-02T10:00:01.200Z', evidence: { confirmedBy: 'ConsentClosed', eventId: '77b0…' } },
    ],
  },
  digest: { algorithm: 'SHA-256', value: 'hex of SHA-256 over the certificate as canonical JSON' },
  signature: { algorithm: 'HMAC-SHA256', keyId: 'audit-v1-3f9a0c7d21e4b856', value: 'base64url of HMAC-SHA256 over the same bytes' },
};

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class GetErasureCertificateController {
  constructor(private readonly getErasureCertificate: GetErasureCertificate) {}

  @Get(':clientId/erasure')
  @Roles('owner', 'manager')
  @ApiOperation({
    summary:
      "The erasure certificate of an erased client (GDPR Art. 17): what was erased, when, by whom (a member of staff and their role, or the chain's " +
      'retention policy), and in which store it was confirmed when (event store and data key, card read model, data packages, photos, consent). ' +
      "'complete' once every store confirmed, 'pending' until then. No personal data: ids, the archived number, timestamps, store names and counts. " +
      'Signed: SHA-256 of its canonical JSON and an HMAC-SHA256 under the audit key (docs/erasure.md says how to verify).',
  })
  @ApiOkResponse({ description: 'The certificate with its digest and signature.', schema: { example: EXAMPLE } })
  @ApiBadRequestResponse({ description: 'invalid-id: the client id is not an id (field clientId).' })
  @ApiUnauthorizedResponse({ description: 'No valid bearer token.' })
  @ApiForbiddenResponse({ description: 'The role may not read erasure certificates (owner and manager may).' })
  @ApiNotFoundResponse({ description: 'client-not-found: no such client in your chain (or hard-deleted, which leaves no certificate).' })
  @ApiConflictResponse({ description: 'client-not-erased: the client is active; there is nothing to certify.' })
  @ErrorCodes({ 404: ['client-not-found'], 409: ['client-not-erased'] })
  get(@CurrentPrincipal() principal: Principal, @Param('clientId', new ParseIdPipe()) clientId: string): Promise<SignedErasureCertificate> {
    return this.getErasureCertificate.execute(principal.tenantId, clientId);
  }
}
