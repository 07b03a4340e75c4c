import { ApiProperty } from '@nestjs/swagger';

export class ClientPhotoResponse {
  @ApiProperty({ format: 'uuid' })
  clientId!: string;

  @ApiProperty({ format: 'uuid', description: "The photo's id: the card's photoRef." })
  photoId!: string;

  @ApiProperty({ enum: ['jpeg', 'png', 'webp', 'heic', 'svg'], description: 'The format the upload was sniffed as.' })
  format!: string;

  @ApiProperty({ type: [Number], example: [256, 1024], description: 'The rendition sizes (longest edge, px) served by GET /clients/{clientId}/photo?size=.' })
  sizes!: readonly number[];

  @ApiProperty({ description: 'Bytes of the stored original (re-encoded or sanitised).' })
  byteLength!: number;

  @ApiProperty()
  width!: number;

  @ApiProperty()
  height!: number;
}
