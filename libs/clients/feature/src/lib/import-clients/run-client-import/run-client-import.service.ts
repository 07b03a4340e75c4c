import { Injectable } from '@nestjs/common';
import { ClientImportJob, ExistingClientsPolicy } from '@salon/clients/domain';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { ClientImportJobs, importNotFound } from '../client-import-jobs';
import { ClientImportRunner } from '../client-import-runner';

/** Starts the import in the background, after a completed dry run; a repeated start changes nothing. */
@Injectable()
export class RunClientImport {
  constructor(
    private readonly jobs: ClientImportJobs,
    private readonly runner: ClientImportRunner,
  ) {}

  async execute(context: CommandContext, jobId: string, existingClients: ExistingClientsPolicy): Promise<ClientImportJob> {
    const tenantId = context.principal.tenantId;
    await this.jobs.job(tenantId, jobId);
    const state = await this.jobs.record(jobId, { type: 'StartClientImport', data: { jobId, existingClients }, metadata: commandMetadata(context) });
    if (state.status === 'none') throw importNotFound(jobId);
    this.runner.launch(tenantId, jobId);
    return state;
  }
}
