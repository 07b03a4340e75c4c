import { Body, Controller, Param, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { CONSENT_PERMISSIONS } from '@salon/consent/domain';
import { CommandContext, CurrentCommandContext, Roles, ParseIdPipe, requireSalonOfCaller, SalonScope, ETagHeader, SendETag, ErrorCodes } from '@salon/shared/nest';
import { ConsentResponse } from '../http/consent.response.dto';
import { SetConsentRequest } from './set-consent.request.dto';
import { SetConsent } from './set-consent.service';

@ApiTags('consent')
@ApiBearerAuth()
@Controller('clients')
export class SetConsentController {
  constructor(private readonly setConsent: SetConsent) {}

  @Put(':clientId/consent/:permission')
  @Roles('owner', 'manager', 'receptionist')
  @SalonScope('x-salon-id', 'body.evidence.salonId')
  @ApiOperation({
    summary: 'Switch one consent permission ON or OFF.',
    description:
      'newsletter and marketingSms go ON only with `evidence` of written consent (400 written-consent-required). ' +
      'SMS permissions cannot go ON for a landline (409 sms-to-landline). Switching OFF is always possible. ' +
      'Repeating a change records nothing.',
  })
  @ApiParam({ name: 'permission', enum: CONSENT_PERMISSIONS })
  @ApiHeader({ name: 'X-Salon-Id', required: false, description: 'The salon where the change is made (recorded in the ledger).' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOkResponse({ type: ConsentResponse, description: "The client's consent after the change." })
  @ApiBadRequestResponse({
    description: 'unknown-permission, unknown-source, written-consent-required, invalid evidence (evidence.salonId and evidence.collectedBy are ids), a malformed X-Salon-Id.',
  })
  @ApiForbiddenResponse({ description: 'salon-not-yours: X-Salon-Id or evidence.salonId names a salon the salon-bound user does not work at.' })
  @ApiConflictResponse({ description: 'sms-to-landline, client-closed.' })
  @ApiNotFoundResponse({ description: 'no-consent-record: the client is unknown to the consent context (yet).' })
  @ErrorCodes({ 400: ['written-consent-required', 'unknown-permission', 'not-a-marketing-permission', 'invalid-client-id', 'actor-required', 'unknown-source', 'invalid-evidence'], 404: ['no-consent-record'], 409: ['sms-to-landline', 'client-closed'] })
  async set(
    @CurrentCommandContext() context: CommandContext,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Param('permission') permission: string,
    @Body() request: SetConsentRequest,
    @ETagHeader() sendETag: SendETag,
  ): Promise<ConsentResponse> {
    const { granted, source, evidence } = request;
    // Salon-bound staff collect signatures at their own salons only.
    if (evidence) requireSalonOfCaller(context.principal, evidence.salonId, 'evidence.salonId');
    // The evidence travels in the event: a plain object, not the DTO class.
    const result = await this.setConsent.execute(context, clientId, permission, { granted, source, evidence: evidence && { ...evidence } });
    sendETag(result.revision);
    return ConsentResponse.of(clientId, result.state, result.revision);
  }
}
