import { Controller, HttpCode, Param, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, Roles, ParseIdPipe, ErrorCodes } from '@salon/shared/nest';
import { AdmitVisit } from './admit-visit.service';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class AdmitVisitController {
  constructor(private readonly admitVisit: AdmitVisit) {}

  @Put(':clientId/visits/:visitId')
  @HttpCode(204)
  // Internal: only the visits service, with a service token (SERVICE_TOKEN_SECRET). A user who
  // could call it would admit made-up visit ids, making the client undeletable.
  @Roles('service:visits')
  @ApiOperation({
    summary:
      'Admit a visit of the client before it is booked. Internal: called by the visits service with its service token ' +
      '(role service:visits, in the chain of the booking, for the booking user). ' +
      'From then on the client has a visit and cannot be hard-deleted. Repeating it changes nothing.',
  })
  @ApiForbiddenResponse({ description: 'A user token, whatever its roles: this route takes the visits service\'s service token only.' })
  @ApiNoContentResponse({ description: 'The client is active and the visit is noted.' })
  @ApiNotFoundResponse({ description: 'client-not-found: never registered in your chain.' })
  @ApiConflictResponse({ description: 'client-deleted or client-erased: no visit can be booked.' })
  @ErrorCodes({ 400: ['invalid-visit-id'], 404: ['client-not-found'], 409: ['client-deleted', 'client-erased'] })
  async admit(
    @CurrentCommandContext() context: CommandContext,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Param('visitId', new ParseIdPipe()) visitId: string,
  ): Promise<void> {
    await this.admitVisit.execute(context, clientId, visitId);
  }
}
