import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CLIENT_BASE_EXPORT_FORMATS, ClientBaseExportFormat, EXPORT_LANGUAGES, ExportLanguage } from '@salon/clients/domain';
import { SearchClientsRequest } from '../search-clients/search-clients.request.dto';

/**
 * Query parameters of GET /clients/export: the search's filters (the same names, rules and
 * meaning), the file format and the language of the header row. No paging, order or archived
 * cards: an export is every active client matching, in name order.
 */
export class ExportClientsRequest extends OmitType(SearchClientsRequest, ['limit', 'cursor', 'sort', 'includeArchived'] as const) {
  @ApiPropertyOptional({ enum: [...CLIENT_BASE_EXPORT_FORMATS], default: 'csv', description: 'xlsx (Excel), ods (LibreOffice, OpenOffice) or csv (UTF-8 with BOM).' })
  @IsOptional()
  @IsIn([...CLIENT_BASE_EXPORT_FORMATS])
  format?: ClientBaseExportFormat;

  @ApiPropertyOptional({ enum: [...EXPORT_LANGUAGES], default: 'pl', description: 'The language of the header row; the import reads the headers of each.' })
  @IsOptional()
  @IsIn([...EXPORT_LANGUAGES])
  language?: ExportLanguage;
}
