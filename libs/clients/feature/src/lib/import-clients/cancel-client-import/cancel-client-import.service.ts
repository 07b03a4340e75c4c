import { Injectable } from '@nestjs/common';
import { ClientImportJob } from '@salon/clients/domain';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { ClientImportJobs, importNotFound } from '../client-import-jobs';
import { ClientImportRunner } from '../client-import-runner';

/**
 * Cancels a job: the runner stops before its next row (at once on this instance, at its next
 * checkpoint on another), what was imported stays, and the uploaded file is removed.
 */
@Injectable()
export class CancelClientImport {
  constructor(
    private readonly jobs: ClientImportJobs,
    private readonly runner: ClientImportRunner,
  ) {}

  async execute(context: CommandContext, jobId: string): Promise<ClientImportJob> {
    const tenantId = context.principal.tenantId;
    await this.jobs.job(tenantId, jobId);
    const state = await this.jobs.record(jobId, { type: 'CancelClientImport', data: { jobId }, metadata: commandMetadata(context) });
    if (state.status === 'none') throw importNotFound(jobId);
    this.runner.noteCancelled(jobId);
    await this.runner.removeFileIfDone(tenantId, jobId);
    return this.jobs.job(tenantId, jobId);
  }
}
