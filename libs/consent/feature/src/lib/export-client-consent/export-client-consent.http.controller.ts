import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { toConsentStreamName } from '@salon/consent/domain';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, ParseIdPipe, Roles, ErrorCodes } from '@salon/shared/nest';
import { ConsentHistoryEntryResponse } from '../get-consent-history/consent-history.response.dto';
import { GetConsentHistory } from '../get-consent-history/get-consent-history.query';
import { GetConsent } from '../get-consent/get-consent.query';
import { ConsentResponse } from '../http/consent.response.dto';

/**
 * The consent context's part of the client's data package (GDPR Art. 15/20), read by the clients
 * service, which builds the package: the consent as it stands, the whole ledger with its evidence,
 * and every event of the client's consent stream with who and when.
 */
@ApiTags('consent')
@ApiBearerAuth()
@Controller('clients')
export class ExportClientConsentController {
  constructor(
    private readonly getConsent: GetConsent,
    private readonly getConsentHistory: GetConsentHistory,
  ) {}

  @Get(':clientId/personal-data')
  @Roles('service:clients')
  @ApiOperation({
    summary:
      "The client's consent data for their data package. Internal: called by the clients service with its service token " +
      '(role service:clients); any user token gets 403.',
  })
  @ApiOkResponse({ schema: { example: { clientId: 'uuid', consent: {}, ledger: [], events: [] } } })
  @ErrorCodes({ 404: [] })
  async export(@CurrentPrincipal() principal: Principal, @Param('clientId', new ParseIdPipe()) clientId: string) {
    const { state, revision } = await this.getConsent.execute(principal.tenantId, clientId);
    const entries = await this.getConsentHistory.execute(principal.tenantId, clientId);
    return {
      clientId,
      consent: ConsentResponse.of(clientId, state, revision),
      // As GET /clients/{id}/consent/history shows it: the evidence is in each change's data.
      ledger: entries.map((entry) => ConsentHistoryEntryResponse.of(entry)),
      events: entries.map((entry) => ({
        context: 'consent',
        stream: toConsentStreamName(clientId),
        revision: String(entry.revision),
        type: entry.event.type,
        recordedAt: entry.recordedAt.toISOString(),
        actorId: entry.event.data.actorId ?? null,
        salonId: entry.event.data.salonId ?? null,
        correlationId: entry.correlationId,
        data: { ...entry.event.data },
      })),
    };
  }
}
