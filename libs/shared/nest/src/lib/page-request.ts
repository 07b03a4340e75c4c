import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_CURSOR_LENGTH } from '@salon/shared/crypto';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@salon/shared/ddd';

/**
 * The query parameters every paged list takes (`limit`, `cursor`): a list route's request DTO
 * extends it with its own filters. The query behind it reads the size with pageSizeOf and the
 * cursor with the CursorCodec.
 */
export class PageRequest {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  // The codec's own bound: a sealed cursor is longer than its position, and one this API issued must pass.
  @MaxLength(MAX_CURSOR_LENGTH)
  cursor?: string;
}
