import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClientImportCommand, ClientImportJob, ImportCounts, NO_IMPORT_COUNTS, countOutcome, isFinished } from '@salon/clients/domain';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import type { BackgroundWorker, WorkerHealth } from '@salon/shared/nest';
import { SpreadsheetError, readSheet } from '@salon/shared/spreadsheets';
import { ClientImportJobs } from './client-import-jobs';
import { ClientImportRowProcessor, ImportPass, ImportRow } from './client-import-row-processor';
import { ClientImportRowResultsBuffer, ClientImportRows, ImportPhase } from './client-import-rows';
import { CLIENT_IMPORT_SETTINGS, ClientImportSettings, readLimitsOf } from './client-import-settings';
import { ImportFileStore } from './import-file-store';

/** Events after which a job has work left: what a restarted runner resumes. */
const WORK_LEFT_AFTER = new Set(['ImportDryRunStarted', 'ClientImportStarted', 'ClientImportProgressed']);
/** An outage of the store or the database is waited out (about a quarter of an hour) before the job is failed. */
const MAX_ATTEMPTS = 30;
const RETRY_DELAY_MS = 2_000;
const MAX_RETRY_DELAY_MS = 30_000;
const RETENTION_SWEEP_EVERY_MS = 10 * 60 * 1000;

type PassEnd = 'finished' | 'cancelled' | 'stopped';

/**
 * Runs dry runs and imports in the background of the service, one task per job, and resumes on
 * start every job that was running when the service stopped (from its last checkpoint: rows
 * after it are done again, and record nothing twice). Removes the uploaded file of a job once it
 * is finished or cancelled, and of an abandoned job after the retention period.
 *
 * Several instances of the service may resume the same job at once after a restart: the work is
 * idempotent (row commands by key, checkpoints only forward), so this costs time, not correctness.
 */
@Injectable()
export class ClientImportRunner implements BackgroundWorker {
  readonly name = 'clients.import-runner';
  private readonly logger = new Logger(ClientImportRunner.name);
  private readonly running = new Map<string, Promise<void>>();
  private readonly cancelled = new Set<string>();
  private stopping = false;
  /** Resolved by stop(): a job waiting out an outage stops waiting. */
  private stopped: Promise<void> = new Promise(() => undefined);
  private wakeOnStop: () => void = () => undefined;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly jobs: ClientImportJobs,
    private readonly rows: ClientImportRows,
    private readonly files: ImportFileStore,
    private readonly processor: ClientImportRowProcessor,
    @Inject(CLIENT_IMPORT_SETTINGS) private readonly settings: ClientImportSettings,
  ) {}

  async start(): Promise<void> {
    this.stopping = false;
    this.stopped = new Promise((resolve) => (this.wakeOnStop = resolve));
    for (const { tenantId, jobId, lastEventType } of await this.jobs.everyJob()) {
      if (WORK_LEFT_AFTER.has(lastEventType)) this.launch(tenantId, jobId);
    }
    void this.sweepFiles();
    this.sweepTimer = setInterval(() => void this.sweepFiles(), Math.min(RETENTION_SWEEP_EVERY_MS, this.settings.fileRetentionMs));
    this.sweepTimer.unref();
  }

  /** Stops between two rows: the rows done are saved; the next start goes on from the last checkpoint. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeOnStop();
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await Promise.allSettled([...this.running.values()]);
  }

  health(): WorkerHealth {
    return { ok: true, state: 'running', jobsRunning: this.running.size };
  }

  /** Runs the job's dry run or import unless this instance already does. */
  launch(tenantId: string, jobId: string): void {
    if (this.stopping || this.running.has(jobId)) return;
    const task = this.runWithRetries(tenantId, jobId).finally(() => this.running.delete(jobId));
    this.running.set(jobId, task);
  }

  /** The cancel use case tells the runner at once, so the job stops at the next row on this instance. */
  noteCancelled(jobId: string): void {
    this.cancelled.add(jobId);
  }

  /** Resolves when this instance has no task for the job (tests wait for it). */
  async settled(jobId: string): Promise<void> {
    await this.running.get(jobId);
  }

  private async runWithRetries(tenantId: string, jobId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.run(tenantId, jobId);
        return;
      } catch (error) {
        // Never the error's message alone: a driver's message may quote a value. Its name and the job's id.
        this.logger.warn(`Import ${jobId} interrupted (attempt ${attempt}): ${(error as Error)?.name ?? 'error'}`);
        if (this.stopping) return;
        if (attempt >= MAX_ATTEMPTS) {
          await this.record(tenantId, jobId, { type: 'FailClientImport', data: { jobId, code: 'import-interrupted', reason: 'The import kept failing on an error of the service for about a quarter of an hour; the rows done are kept. Upload the file again: its imported rows are then skipped as existing' } }).catch(() => undefined);
          return;
        }
        const delay = new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RETRY_DELAY_MS, RETRY_DELAY_MS * attempt)).unref());
        await Promise.race([delay, this.stopped]);
        if (this.stopping) return;
      }
    }
  }

  private async run(tenantId: string, jobId: string): Promise<void> {
    const job = await this.jobs.job(tenantId, jobId);
    if (job.status !== 'dry-run-running' && job.status !== 'running') return;
    const phase: ImportPhase = job.status === 'running' ? 'import' : 'dry-run';
    const directory = await mkdtemp(join(tmpdir(), 'client-import-'));
    try {
      const path = join(directory, 'file');
      await this.files.download(job.fileKey, path);
      const end = await this.pass(tenantId, job, phase, path);
      if (end === 'stopped') return;
      if (end === 'finished' && phase === 'dry-run') return;
    } catch (error) {
      if (!(error instanceof SpreadsheetError)) throw error;
      await this.record(tenantId, jobId, { type: 'FailClientImport', data: { jobId, code: error.code, reason: error.message } });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
    await this.removeFileIfDone(tenantId, jobId);
  }

  /** One pass over the rows: the dry run (nothing recorded) or the import (from its checkpoint). */
  private async pass(tenantId: string, job: ClientImportJob, phase: ImportPhase, path: string): Promise<PassEnd> {
    const { jobId } = job;
    const context = this.contextOf(tenantId, job);
    const pass: ImportPass = {
      context,
      jobId,
      mapping: job.mapping,
      existingClients: job.existingClients ?? 'skip',
      phones: new Map(),
      emails: new Map(),
      baseEmails: await this.processor.baseEmails(tenantId),
    };
    const resumeAfter = phase === 'import' ? (job.checkpoint?.lastRow ?? 0) : 0;
    let counts: ImportCounts = phase === 'import' ? (job.checkpoint?.counts ?? NO_IMPORT_COUNTS) : NO_IMPORT_COUNTS;
    if (phase === 'dry-run') await this.rows.clear(tenantId, jobId, 'dry-run');
    else await this.rows.saveCounts(tenantId, jobId, 'import', counts);
    // Rows before the checkpoint are not done again, but their numbers and e-mails still make later rows duplicates.
    const refusedBefore = resumeAfter > 0 ? await this.rows.refusedRows(tenantId, jobId, 'import', resumeAfter) : new Set<number>();
    const buffer = new ClientImportRowResultsBuffer(this.rows, tenantId, jobId, phase);
    let header = true;
    let lastRow = resumeAfter;

    const checkpoint = async (): Promise<PassEnd | undefined> => {
      await buffer.flush(counts);
      if (phase === 'import' && lastRow > resumeAfter) {
        await this.record(tenantId, jobId, { type: 'RecordImportProgress', data: { jobId, lastRow, counts } });
      }
      return (await this.stillWanted(tenantId, job, phase)) ? undefined : 'cancelled';
    };

    // Rows are done a batch at a time, at once: rows that share no phone or e-mail (keysOf) and
    // change no common client cannot change each other's outcome, so a batch decides exactly
    // what one row after the other would. Their appends then arrive together at the event store,
    // which commits them in one transaction (group commit). Results are kept in the file's order.
    let batch: ImportRow[] = [];
    const batchKeys = new Set<string>();
    const runBatch = async (): Promise<PassEnd | undefined> => {
      const rows = batch;
      batch = [];
      batchKeys.clear();
      for (const [index, group] of (await this.apartByClient(pass, rows)).entries()) {
        // A later group's rows are looked up again: the group before may have changed their client (a second number).
        const existing = index === 0 ? group.map(({ existingClientId }) => existingClientId) : await Promise.all(group.map(({ row }) => this.processor.existingClientOf(pass, row)));
        const results = await Promise.all(group.map(({ row }, at) => this.processor.process(pass, row, existing[at], phase === 'import')));
        for (const result of results) {
          buffer.add(result);
          counts = countOutcome(counts, result.outcome);
          lastRow = result.row;
        }
      }
      return buffer.size >= this.settings.checkpointEveryRows ? checkpoint() : undefined;
    };

    for await (const { number, cells } of readSheet(path, job.format, readLimitsOf(this.settings))) {
      if (header) {
        header = false;
        continue;
      }
      if (number <= resumeAfter) {
        if (!refusedBefore.has(number)) this.processor.remember(pass, this.processor.read(pass, number, cells));
        continue;
      }
      const row = this.processor.read(pass, number, cells);
      const keys = this.processor.keysOf(row);
      if (batch.length >= this.settings.rowsAtOnce || keys.some((key) => batchKeys.has(key))) {
        if ((await runBatch()) === 'cancelled') return 'cancelled';
      }
      if (this.stopping) {
        // No checkpoint here on purpose: the next start repeats the rows since the last one, as after a crash.
        await buffer.flush(counts);
        return 'stopped';
      }
      if (this.cancelled.has(jobId)) {
        await buffer.flush(counts);
        return 'cancelled';
      }
      batch.push(row);
      keys.forEach((key) => batchKeys.add(key));
    }
    if (batch.length > 0 && (await runBatch()) === 'cancelled') return 'cancelled';
    await buffer.flush(counts);
    if (!(await this.stillWanted(tenantId, job, phase))) return 'cancelled';
    await this.record(
      tenantId,
      jobId,
      phase === 'import'
        ? { type: 'CompleteClientImport', data: { jobId, counts } }
        : { type: 'CompleteImportDryRun', data: { jobId, counts } },
    );
    return 'finished';
  }

  /**
   * The batch split where a row would change a client of the base an earlier row of the batch
   * changes too (one client reached through two of its numbers): those go one after the other,
   * in the file's order. Looking the clients up reads only; the first group's rows are then done
   * with what was found for them (no row of the batch shares a number or e-mail with another, so
   * none can change what another finds).
   */
  private async apartByClient(pass: ImportPass, rows: readonly ImportRow[]): Promise<{ row: ImportRow; existingClientId: string | undefined }[][]> {
    const clients = await Promise.all(rows.map((row) => this.processor.existingClientOf(pass, row)));
    const groups: { row: ImportRow; existingClientId: string | undefined }[][] = [[]];
    let seen = new Set<string>();
    rows.forEach((row, index) => {
      const existingClientId = clients[index];
      if (existingClientId !== undefined && seen.has(existingClientId)) {
        groups.push([]);
        seen = new Set();
      }
      if (existingClientId !== undefined) seen.add(existingClientId);
      groups[groups.length - 1].push({ row, existingClientId });
    });
    return groups.filter((group) => group.length > 0);
  }

  /** Whether the job still wants this pass (not cancelled, on any instance, nor restarted with another mapping). */
  private async stillWanted(tenantId: string, job: ClientImportJob, phase: ImportPhase): Promise<boolean> {
    if (this.cancelled.has(job.jobId)) return false;
    const now = await this.jobs.job(tenantId, job.jobId);
    return now.status === (phase === 'import' ? 'running' : 'dry-run-running') && now.existingClients === job.existingClients;
  }

  /** The uploader as the actor of every row (the job's events say who started it); a fresh correlation id per pass. */
  private contextOf(tenantId: string, job: ClientImportJob): CommandContext {
    return {
      principal: { tenantId, userId: job.uploadedBy, roles: [], salonIds: [] },
      correlationId: randomUUID(),
      ...(job.salonId ? { salonId: job.salonId } : {}),
    };
  }

  private async record(tenantId: string, jobId: string, command: Omit<ClientImportCommand, 'metadata'>): Promise<void> {
    const context: CommandContext = { principal: { tenantId, userId: 'system', roles: [], salonIds: [] }, correlationId: randomUUID() };
    await this.jobs.record(jobId, { ...command, metadata: commandMetadata(context) } as ClientImportCommand);
  }

  /** A finished or cancelled job needs its file no more; it holds personal data, so it goes at once. */
  async removeFileIfDone(tenantId: string, jobId: string): Promise<void> {
    const job = await this.jobs.job(tenantId, jobId);
    if (!isFinished(job) || job.fileRemoved) return;
    await this.files.remove(job.fileKey);
    await this.record(tenantId, jobId, { type: 'NoteImportFileRemoved', data: { jobId } });
  }

  /** Files of finished jobs left behind by a crash, and of jobs abandoned for longer than the retention period. */
  private async sweepFiles(): Promise<void> {
    try {
      for (const { tenantId, jobId, lastEventType } of await this.jobs.everyJob()) {
        if (this.stopping) return;
        if (lastEventType === 'ImportFileRemoved' || this.running.has(jobId)) continue;
        const job = await this.jobs.job(tenantId, jobId);
        if (job.fileRemoved) continue;
        const abandoned = !isFinished(job) && job.status !== 'running' && job.status !== 'dry-run-running' && Date.parse(job.fileExpiresAt) <= Date.now();
        if (!isFinished(job) && !abandoned) continue;
        await this.files.remove(job.fileKey);
        await this.record(tenantId, jobId, { type: 'NoteImportFileRemoved', data: { jobId } });
      }
    } catch (error) {
      this.logger.warn(`The sweep of import files stopped early: ${(error as Error)?.name ?? 'error'}`);
    }
  }
}
