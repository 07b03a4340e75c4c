import { Controller, Delete, Headers, HttpCode, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, Roles, optionalRevision, ParseIdPipe } from '@salon/shared/nest';
import { DeleteClientCommand } from './delete-client.command';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class DeleteClientController {
  constructor(private readonly commandBus: CommandBus) {}

  @Delete(':clientId')
  @HttpCode(204)
  @Roles('owner', 'manager')
  @ApiOperation({
    summary: 'Delete a client created by mistake. Only a client without any visit; otherwise erase it (POST /clients/{id}/erasure).',
  })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'client-has-visits, with visitCount.' })
  async delete(
    @CurrentCommandContext() context: CommandContext,
    @Param('clientId', new ParseIdPipe()) clientId: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.commandBus.execute(new DeleteClientCommand(context, clientId, optionalRevision(ifMatch)));
  }
}
