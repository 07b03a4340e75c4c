import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@salon/shared/auth';
import { CurrentPrincipal, ParseIdPipe, Roles, ErrorCodes } from '@salon/shared/nest';
import { ClientPhotosExport, ExportClientPhotos } from './export-client-photos.query';

@ApiTags('media')
@ApiBearerAuth()
@Controller('clients')
export class ExportClientPhotosController {
  constructor(private readonly exportClientPhotos: ExportClientPhotos) {}

  @Get(':clientId/personal-data')
  @Roles('service:clients')
  @ApiOperation({
    summary:
      "The client's photos for their data package: links to the stored images and every event of the client's media stream. " +
      'Internal: called by the clients service with its service token (role service:clients); any user token gets 403.',
  })
  @ApiOkResponse({ schema: { example: { clientId: 'uuid', photo: null, files: [], events: [] } } })
  @ErrorCodes({ 404: [] })
  export(@CurrentPrincipal() principal: Principal, @Param('clientId', new ParseIdPipe()) clientId: string): Promise<ClientPhotosExport> {
    return this.exportClientPhotos.execute(principal.tenantId, clientId);
  }
}
