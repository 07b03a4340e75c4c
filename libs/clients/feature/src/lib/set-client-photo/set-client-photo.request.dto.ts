import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class SetClientPhotoRequest {
  @ApiProperty({ format: 'uuid', description: "The media context's id of the stored photo (random; names its objects, nothing of the person)." })
  @IsUUID()
  photoRef!: string;
}
