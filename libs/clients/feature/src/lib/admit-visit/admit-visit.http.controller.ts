import { Controller, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, Roles, ParseIdPipe } from '@salon/shared/nest';
import { AdmitVisit } from './admit-visit.service';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class AdmitVisitController {
  constructor(private readonly admitVisit: AdmitVisit) {}

  @Put(':clientId/visits/:visitId')
  @HttpCode(204)
  @Roles('owner', 'manager', 'receptionist')
  @ApiOperation({
    summary:
      'Admit a visit of the client before it is booked (called by the visits service with the booking user\'s token). ' +
      'From then on the client has a visit and cannot be hard-deleted. Repeating it changes nothing.',
  })
  @ApiNoContentResponse({ description: 'The client is active and the visit is noted.' })
  @ApiNotFoundResponse({ description: 'client-not-found: never registered in your chain.' })
  @ApiConflictResponse({ description: 'client-deleted or client-erased: no visit can be booked.' })
  async admit(
    @CurrentCommandContext() context: CommandContext,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Param('visitId', new ParseIdPipe()) visitId: string,
  ): Promise<void> {
    await this.admitVisit.execute(context, clientId, visitId);
  }
}
