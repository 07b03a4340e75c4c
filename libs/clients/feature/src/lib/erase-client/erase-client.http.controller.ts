import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, Roles, ParseIdPipe, SalonScope, ErrorCodes } from '@salon/shared/nest';
import { EraseClient } from './erase-client.service';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class EraseClientController {
  constructor(private readonly eraseClient: EraseClient) {}

  @Post(':clientId/erasure')
  @HttpCode(200)
  @Roles('owner', 'manager')
  @SalonScope('x-salon-id')
  @ApiOperation({
    summary:
      'GDPR erasure: removes every piece of personal data everywhere; visits and amounts stay for statistics under "Archived client N". Safe to repeat.',
  })
  @ApiOkResponse({ schema: { example: { clientId: 'uuid', archivedNumber: 3 } } })
  @ApiConflictResponse({ description: 'client-on-legal-hold: the client is on legal hold (its data must be kept); lift the hold first.' })
  @ErrorCodes({ 400: ['invalid-archived-number', 'invalid-client-id'], 404: ['client-not-found'], 409: ['client-on-legal-hold', 'client-deleted', 'client-erased'] })
  erase(
    @CurrentCommandContext() context: CommandContext,
    @Param('clientId', new ParseIdPipe()) clientId: string,
  ): Promise<{ clientId: string; archivedNumber: number }> {
    return this.eraseClient.execute(context, clientId);
  }
}
