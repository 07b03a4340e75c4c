import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, CurrentCommandContext, ParseIdPipe, Roles, SalonScope, ErrorCodes } from '@salon/shared/nest';
import { RemoveClientPhoto } from './remove-client-photo.service';

@ApiTags('photos')
@ApiBearerAuth()
@Controller('clients')
export class RemoveClientPhotoController {
  constructor(private readonly removeClientPhoto: RemoveClientPhoto) {}

  @Delete(':clientId/photo')
  @HttpCode(204)
  // service:clients: the clients service's retention job drops photos by the same path (docs/retention.md).
  @Roles('owner', 'manager', 'receptionist', 'service:clients')
  @SalonScope('x-salon-id')
  @ApiOperation({ summary: "Remove the client's photo: the card shows none, and every stored version of it is deleted. Repeatable." })
  @ApiNoContentResponse({ description: 'The client has no photo (any more).' })
  @ApiNotFoundResponse({ description: 'client-not-found: no such active client in your chain.' })
  @ErrorCodes({ 404: ['client-not-found'], 409: ['client-deleted', 'client-erased'], 503: ['object-store-unavailable', 'clients-service-unavailable'] })
  async remove(@CurrentCommandContext() context: CommandContext, @Param('clientId', new ParseIdPipe()) clientId: string): Promise<void> {
    await this.removeClientPhoto.execute(context, clientId);
  }
}
