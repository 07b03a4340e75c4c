import { ImportCounts, NO_IMPORT_COUNTS } from '@salon/clients/domain';

export const NO_PROGRESS: ImportCounts = NO_IMPORT_COUNTS;
