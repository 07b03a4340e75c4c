import { Injectable } from '@nestjs/common';
import { ClientImportJob } from '@salon/clients/domain';
import { ClientImportJobs } from '../client-import-jobs';
import { ClientImportRows, ImportPhase } from '../client-import-rows';
import { ClientImportView } from '../http/client-import.response.dto';

/** The job as its stream tells it, with the progress counted from the rows recorded so far. */
@Injectable()
export class GetClientImport {
  constructor(
    private readonly jobs: ClientImportJobs,
    private readonly rows: ClientImportRows,
  ) {}

  async execute(tenantId: string, jobId: string): Promise<ClientImportView> {
    const job = await this.jobs.job(tenantId, jobId);
    const phase = await this.phaseOf(tenantId, job);
    return ClientImportView.of(job, await this.rows.counts(tenantId, jobId, phase));
  }

  /** The import's rows once it started, else the dry run's. */
  async phaseOf(tenantId: string, job: ClientImportJob): Promise<ImportPhase> {
    if (job.status === 'running' || job.status === 'completed' || job.checkpoint !== undefined) return 'import';
    if (job.status === 'cancelled' || job.status === 'failed') {
      return (await this.rows.hasAny(tenantId, job.jobId, 'import')) ? 'import' : 'dry-run';
    }
    return 'dry-run';
  }
}
