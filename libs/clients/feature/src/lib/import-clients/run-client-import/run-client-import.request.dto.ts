import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { EXISTING_CLIENTS_POLICIES, ExistingClientsPolicy } from '@salon/clients/domain';

export class RunClientImportRequest {
  @ApiProperty({
    enum: EXISTING_CLIENTS_POLICIES,
    description:
      'A row whose phone (or e-mail) is already a client: skip it, fill the fields the client has empty, or overwrite the fields the row has.',
  })
  @IsIn(EXISTING_CLIENTS_POLICIES)
  existingClients!: ExistingClientsPolicy;
}
