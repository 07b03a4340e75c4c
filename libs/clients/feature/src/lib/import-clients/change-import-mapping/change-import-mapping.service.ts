import { Injectable } from '@nestjs/common';
import { ClientImportJob, ColumnMapping } from '@salon/clients/domain';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { ClientImportJobs, importNotFound } from '../client-import-jobs';

/** Replaces the job's mapping (checked by the job's decider); the dry run must then be run again. */
@Injectable()
export class ChangeImportMapping {
  constructor(private readonly jobs: ClientImportJobs) {}

  async execute(context: CommandContext, jobId: string, mapping: ColumnMapping): Promise<ClientImportJob> {
    await this.jobs.job(context.principal.tenantId, jobId);
    const state = await this.jobs.record(jobId, { type: 'ChangeImportMapping', data: { jobId, mapping }, metadata: commandMetadata(context) });
    if (state.status === 'none') throw importNotFound(jobId);
    return state;
  }
}
