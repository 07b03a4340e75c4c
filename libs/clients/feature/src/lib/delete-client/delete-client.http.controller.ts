import { Controller, Delete, Headers, HttpCode, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, Roles, optionalRevision, ParseIdPipe, SalonScope, ErrorCodes } from '@salon/shared/nest';
import { DeleteClient } from './delete-client.service';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class DeleteClientController {
  constructor(private readonly deleteClient: DeleteClient) {}

  @Delete(':clientId')
  @HttpCode(204)
  @Roles('owner', 'manager')
  @SalonScope('x-salon-id')
  @ApiOperation({
    summary: 'Delete a client created by mistake. Only a client without any visit; otherwise erase it (POST /clients/{id}/erasure).',
  })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'client-has-visits, with visitCount.' })
  @ErrorCodes({ 400: ['invalid-client-id'], 404: ['client-not-found'], 409: ['client-has-visits', 'client-on-legal-hold', 'client-deleted', 'client-erased'] })
  async delete(
    @CurrentCommandContext() context: CommandContext,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.deleteClient.execute(context, clientId, optionalRevision(ifMatch));
  }
}
