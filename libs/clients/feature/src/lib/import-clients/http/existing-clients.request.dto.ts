import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { EXISTING_CLIENTS_POLICIES, ExistingClientsPolicy } from '@salon/clients/domain';

export class ExistingClientsRequest {
  @ApiPropertyOptional({
    enum: EXISTING_CLIENTS_POLICIES,
    default: 'skip',
    description:
      'A row whose phone (or e-mail) is already a client: skip it, fill the fields the client has empty, or overwrite the fields the row has.',
  })
  @IsOptional()
  @IsIn(EXISTING_CLIENTS_POLICIES)
  existingClients?: ExistingClientsPolicy;
}
