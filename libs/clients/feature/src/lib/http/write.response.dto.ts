import { ApiProperty } from '@nestjs/swagger';
import { WriteResult } from '../client-stream/client-stream';

export class WriteResponse {
  @ApiProperty({ format: 'uuid' })
  clientId!: string;

  @ApiProperty({ example: '0', description: 'The stream revision after the command; send it back as If-Match.' })
  revision!: string;

  static of(result: WriteResult): WriteResponse {
    return { clientId: result.clientId, revision: String(result.revision ?? -1) };
  }
}
