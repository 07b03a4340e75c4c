import { FormEvent, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ClientsService } from '@salon/api-client';
import { ApiProblem, idempotencyKey, problemFor, problemOf } from './api';
import { useConsole } from './context';
import { ExistingClientsPolicy, IMPORT_MESSAGES, ImportField, ImportMessages, ImportStatus, RowOutcome } from './import-i18n';
import { Field, FormProblem, Loading } from './ui';

type Schemas = ClientsService.components['schemas'];
export type ImportJob = Schemas['ClientImportView'];
type Counts = Schemas['ImportCountsView'];

// In the order the messages list them (a Record over the API's fields: all of them).
const FIELDS = Object.keys(IMPORT_MESSAGES.en.fields) as ImportField[];
const POLICIES = Object.keys(IMPORT_MESSAGES.en.policies) as ExistingClientsPolicy[];
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
};
const UPLOAD_FIELDS = ['body', 'Content-Type', 'fileName'];
const POLL_MS = 500;
const RETRY_MS = 2000;
/** Lines of the report shown on the page; the downloaded report has every one. */
const MAX_LINES = 500;

type Draft = readonly (ImportField | '')[];
type Busy = 'upload' | 'mapping' | 'dry-run' | 'run' | 'cancel' | 'download';
type ReportPhase = 'dry-run' | 'import';

export interface ReportLine {
  readonly row: number;
  readonly outcome: string;
  readonly field: string;
  readonly reason: string;
}
interface Report {
  readonly refused: readonly ReportLine[];
  readonly remarks: readonly ReportLine[];
}

/** Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(column: number): string {
  let n = column + 1;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** The csv the report route writes: UTF-8 with BOM, ",", CRLF, "" inside quotes. */
export function parseCsv(text: string): string[][] {
  const source = text.startsWith('\ufeff') ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quoted) {
      if (c !== '"') cell += c;
      else if (source[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && source[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** The writer's guard against formulas (a leading apostrophe) taken off again for the screen. */
const unneutralised = (text: string) => (/^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text);

/** Report columns: Row, Outcome, Client id, Field, Reason (one line per problem of a row). */
export function parseReport(text: string): Report {
  const lines = parseCsv(text)
    .slice(1)
    .filter((cells) => cells.length >= 5)
    .map(([row, outcome, , field, reason]) => ({ row: Number(row), outcome, field: unneutralised(field), reason: unneutralised(reason) }));
  return {
    refused: lines.filter((line) => line.outcome === 'refused'),
    remarks: lines.filter((line) => line.outcome !== 'refused' && (line.field !== '' || line.reason !== '')),
  };
}

function columnCount(job: ImportJob): number {
  return Math.max(job.headers.length, ...job.mapping.map((entry) => entry.column + 1), ...job.unknownColumns.map((entry) => entry.column + 1));
}

function draftOf(job: ImportJob): Draft {
  const draft: (ImportField | '')[] = Array.from({ length: columnCount(job) }, () => '');
  for (const { column, field } of job.mapping) draft[column] = field;
  return draft;
}

function mappingOf(draft: Draft): { column: number; field: ImportField }[] {
  return draft.flatMap((field, column) => (field ? [{ column, field }] : []));
}

const mappingKey = (mapping: readonly { column: number; field: string }[]) =>
  [...mapping]
    .sort((a, b) => a.column - b.column)
    .map((entry) => `${entry.column}:${entry.field}`)
    .join(',');

/** A refusal of the console itself (before any request), shaped as the API's. */
function localProblem(field: string | undefined, reason: string): ApiProblem {
  return { status: 0, code: 'console-check', message: reason, fields: field ? [{ field, reason }] : [], details: {} };
}

const megabytes = (bytes: number) => String(Math.round(bytes / 104857.6) / 10);

/** The API's refusal in the wizard's words where it has them (the limit of a file too large kept). */
function localized(im: ImportMessages, problem: ApiProblem): ApiProblem {
  const text = im.errors[problem.code];
  if (!text) return problem;
  const limit = problem.code === 'payload-too-large' ? /(\d+) bytes/.exec(problem.fields[0]?.reason ?? problem.message)?.[1] : undefined;
  const message = limit ? `${text} (${im.atMost(megabytes(Number(limit)))})` : text;
  return { ...problem, message, fields: problem.fields.map((entry) => ({ ...entry, reason: message })) };
}

const retryable = (status: number) => status === 0 || status === 429 || status === 502 || status === 503 || status === 504;

type Outcome<T> = { readonly data: T; readonly problem?: undefined } | { readonly data?: undefined; readonly problem: ApiProblem };

/** One call of the typed client: its answer, or its refusal (a network failure too) as an ApiProblem. */
async function outcomeOf<T>(call: () => Promise<{ data?: T; error?: unknown; response: Response }>, network: ApiProblem): Promise<Outcome<T>> {
  try {
    const { data, error, response } = await call();
    if (error !== undefined || data === undefined) return { problem: problemOf(response.status, error) };
    return { data };
  } catch {
    return { problem: network };
  }
}

function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function Progress(props: { readonly id: string; readonly label: string; readonly done: number; readonly total: number; readonly im: ImportMessages }) {
  const { id, label, done, total, im } = props;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <progress id={id} max={Math.max(total, 1)} value={Math.min(done, total)} />
      <p role="status" aria-live="polite">
        {im.rowsProgress(done, total)}
      </p>
    </div>
  );
}

function CountsView(props: { readonly counts: Counts; readonly total: number; readonly im: ImportMessages; readonly label: string }) {
  const { counts, total, im } = props;
  const items: [string, string | number][] = [
    [im.rowsRead, im.rowsProgress(counts.rowsDone, total)],
    [im.created, counts.created],
    [im.updated, counts.updated],
    [im.skipped, counts.skipped],
    [im.refused, counts.refused],
  ];
  return (
    <dl className="statistics" aria-label={props.label}>
      {items.map(([label, value]) => (
        <div key={label} className="statistic">
          <dt className="label">{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function LinesTable(props: { readonly label: string; readonly lines: readonly ReportLine[]; readonly im: ImportMessages; readonly withOutcome?: boolean }) {
  const { im, lines } = props;
  const shown = lines.slice(0, MAX_LINES);
  const fieldName = (field: string) => (field ? (im.fields[field as ImportField] ?? field) : '—');
  const outcomeName = (outcome: string) => im.outcomes[outcome as RowOutcome] ?? outcome;
  return (
    <>
      <table aria-label={props.label}>
        <thead>
          <tr>
            <th scope="col">{im.row}</th>
            {props.withOutcome ? <th scope="col">{im.outcome}</th> : null}
            <th scope="col">{im.field}</th>
            <th scope="col">{im.reason}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((line, index) => (
            <tr key={`${line.row}-${index}`}>
              <td>{line.row}</td>
              {props.withOutcome ? <td>{outcomeName(line.outcome)}</td> : null}
              <td>{fieldName(line.field)}</td>
              <td>{line.reason || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {lines.length > shown.length ? <p className="hint">{im.firstLines(shown.length, lines.length)}</p> : null}
    </>
  );
}

/**
 * The import wizard (issue 18): upload a spreadsheet, map its columns, a dry run with its report,
 * then the import with a policy for clients already in the base, followed until it ends.
 * Nothing of the file (no cell, no phone) is put into a URL or logged: the upload names the file
 * only by its extension, the report is read from the API and shown, never passed on.
 */
export function ImportWizard(props: { readonly onDone: () => void }) {
  const { t, language, session, api } = useConsole();
  const im = IMPORT_MESSAGES[language];
  const ids = useId();
  const [file, setFile] = useState<File>();
  const [job, setJob] = useState<ImportJob>();
  const [draft, setDraft] = useState<Draft>([]);
  const [policy, setPolicy] = useState<ExistingClientsPolicy>('skip');
  const [busy, setBusy] = useState<Busy>();
  const [saved, setSaved] = useState(false);
  const [uploadProblem, setUploadProblem] = useState<ApiProblem>();
  const [mappingProblem, setMappingProblem] = useState<ApiProblem>();
  const [dryRunProblem, setDryRunProblem] = useState<ApiProblem>();
  const [runProblem, setRunProblem] = useState<ApiProblem>();
  const [pollProblem, setPollProblem] = useState<ApiProblem>();
  const [report, setReport] = useState<Report | 'loading'>();
  const [reportProblem, setReportProblem] = useState<ApiProblem>();
  const [downloadProblem, setDownloadProblem] = useState<{ readonly phase?: ReportPhase; readonly problem: ApiProblem }>();
  const [retries, setRetries] = useState(0);
  const jobIdRef = useRef<string>(undefined);
  const lastStatus = useRef<ImportStatus>(undefined);
  const focusNext = useRef<'mapping' | 'dry-run' | 'run'>(undefined);
  const mappingHeading = useRef<HTMLHeadingElement>(null);
  const dryRunHeading = useRef<HTMLHeadingElement>(null);
  const runHeading = useRef<HTMLHeadingElement>(null);

  const network = useMemo(() => localProblem(undefined, im.network), [im]);
  const salonHeader = useMemo(() => (session.salonId ? { 'X-Salon-Id': session.salonId } : {}), [session.salonId]);

  // A step reached moves the focus to its heading (after it is rendered).
  useEffect(() => {
    const step = focusNext.current;
    if (!step) return;
    const heading = { mapping: mappingHeading, 'dry-run': dryRunHeading, run: runHeading }[step].current;
    if (!heading) return;
    heading.focus();
    focusNext.current = undefined;
  });

  const loadReport = useCallback(
    async (jobId: string) => {
      setReport('loading');
      setReportProblem(undefined);
      const result = await outcomeOf(
        () => api.clients.GET('/clients/imports/{jobId}/report', { params: { path: { jobId }, query: { format: 'csv', phase: 'dry-run' } }, parseAs: 'text' }),
        network,
      );
      if (jobIdRef.current !== jobId) return;
      if (result.problem) {
        setReport(undefined);
        return setReportProblem(localized(im, result.problem));
      }
      setReport(parseReport(result.data));
    },
    [api, network, im],
  );

  /** Every answer about the job goes through here: the report is read once a dry run completes. */
  const receive = useCallback(
    (next: ImportJob) => {
      if (jobIdRef.current !== next.jobId) return;
      const before = lastStatus.current;
      lastStatus.current = next.status;
      setJob(next);
      if (next.status === 'dry-run-completed' && before !== 'dry-run-completed') {
        focusNext.current = 'dry-run';
        void loadReport(next.jobId);
      }
      if ((next.status === 'completed' || next.status === 'failed') && before === 'running') focusNext.current = 'run';
    },
    [loadReport],
  );

  // Follow a dry run or an import while it runs: every POLL_MS, slower after a passing failure.
  useEffect(() => {
    if (!job || (job.status !== 'dry-run-running' && job.status !== 'running')) return;
    const jobId = job.jobId;
    let stopped = false;
    const timer = window.setTimeout(
      () => {
        void outcomeOf(() => api.clients.GET('/clients/imports/{jobId}', { params: { path: { jobId } } }), network).then((result) => {
          if (stopped) return;
          if (result.problem) {
            setPollProblem(localized(im, result.problem));
            if (retryable(result.problem.status)) setRetries((count) => count + 1);
            return;
          }
          setPollProblem(undefined);
          receive(result.data);
        });
      },
      pollProblem ? RETRY_MS : POLL_MS,
    );
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [job, retries, pollProblem, api, network, im, receive]);

  const status = job?.status;
  const editable = !!job && !job.fileRemoved && (status === 'uploaded' || status === 'dry-run-completed');
  const inProgress = status === 'dry-run-running' || status === 'running';
  const finished = status === 'completed' || status === 'cancelled' || status === 'failed';
  const changed = !!job && mappingKey(mappingOf(draft)) !== mappingKey(job.mapping);

  const upload = async (event: FormEvent) => {
    event.preventDefault();
    setUploadProblem(undefined);
    if (!file) return setUploadProblem(localProblem('body', im.chooseFile));
    const extension = /\.([a-z]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? '';
    const contentType = CONTENT_TYPES[extension];
    if (!contentType) return setUploadProblem(localProblem('body', im.wrongExtension));
    setBusy('upload');
    const result = await outcomeOf(
      () =>
        api.clients.POST('/clients/imports', {
          // The API reads the name only for its extension: the file's own name is not sent.
          params: { query: { fileName: `clients.${extension}` }, header: { 'Idempotency-Key': idempotencyKey(), ...salonHeader } },
          body: file,
          bodySerializer: (body) => body,
          headers: { 'Content-Type': contentType },
        }),
      network,
    );
    setBusy(undefined);
    if (result.problem) return setUploadProblem(localized(im, result.problem));
    jobIdRef.current = result.data.jobId;
    lastStatus.current = undefined;
    setDraft(draftOf(result.data));
    setSaved(false);
    setMappingProblem(undefined);
    setDryRunProblem(undefined);
    setRunProblem(undefined);
    setPollProblem(undefined);
    setReport(undefined);
    setReportProblem(undefined);
    setDownloadProblem(undefined);
    focusNext.current = 'mapping';
    receive(result.data);
  };

  /** The console's own check of the mapping, in the user's language; the API checks it again. */
  const checkMapping = (mapping: readonly { column: number; field: ImportField }[]): ApiProblem | undefined => {
    const fields: { field: string; reason: string }[] = [];
    const seen = new Set<ImportField>();
    for (const { column, field } of mapping) {
      if (seen.has(field)) fields.push({ field: `column${column}`, reason: im.fieldTwice(im.fields[field]) });
      seen.add(field);
    }
    if (!seen.has('phone')) fields.push({ field: 'mapping', reason: im.phoneRequired });
    return fields.length > 0 ? { ...localProblem(undefined, fields[0].reason), fields } : undefined;
  };

  const saveMapping = async (): Promise<ImportJob | undefined> => {
    if (!job) return undefined;
    setMappingProblem(undefined);
    setSaved(false);
    const mapping = mappingOf(draft);
    const refusal = checkMapping(mapping);
    if (refusal) {
      setMappingProblem(refusal);
      return undefined;
    }
    setBusy('mapping');
    const result = await outcomeOf(
      () =>
        api.clients.PUT('/clients/imports/{jobId}/mapping', {
          params: { path: { jobId: job.jobId }, header: { 'Idempotency-Key': idempotencyKey(), ...salonHeader } },
          body: { mapping },
        }),
      network,
    );
    setBusy(undefined);
    if (result.problem) {
      // The API names entries of the request (mapping[2].field): placed at the column they are.
      const problem = localized(im, result.problem);
      const fields = problem.fields.map((entry) => {
        const index = /^mapping\[(\d+)\]/.exec(entry.field)?.[1];
        const column = index === undefined ? undefined : mapping[Number(index)]?.column;
        return column === undefined ? entry : { ...entry, field: `column${column}` };
      });
      setMappingProblem({ ...problem, fields });
      return undefined;
    }
    setSaved(true);
    setReport(undefined);
    receive(result.data);
    return result.data;
  };

  const dryRun = async () => {
    if (!job) return;
    setDryRunProblem(undefined);
    let jobId = job.jobId;
    if (changed) {
      const savedJob = await saveMapping();
      if (!savedJob) return;
      jobId = savedJob.jobId;
    }
    setBusy('dry-run');
    const result = await outcomeOf(
      () =>
        api.clients.POST('/clients/imports/{jobId}/dry-run', {
          params: { path: { jobId }, header: { 'Idempotency-Key': idempotencyKey(), ...salonHeader } },
          body: { existingClients: policy },
        }),
      network,
    );
    setBusy(undefined);
    if (result.problem) return setDryRunProblem(localized(im, result.problem));
    setReport(undefined);
    setReportProblem(undefined);
    receive(result.data);
  };

  const run = async () => {
    if (!job) return;
    setRunProblem(undefined);
    setBusy('run');
    const result = await outcomeOf(
      () =>
        api.clients.POST('/clients/imports/{jobId}/run', {
          params: { path: { jobId: job.jobId }, header: { 'Idempotency-Key': idempotencyKey(), ...salonHeader } },
          body: { existingClients: policy },
        }),
      network,
    );
    setBusy(undefined);
    if (result.problem) return setRunProblem(localized(im, result.problem));
    receive(result.data);
  };

  const cancel = async () => {
    if (!job) return;
    setRunProblem(undefined);
    setBusy('cancel');
    const result = await outcomeOf(
      () =>
        api.clients.POST('/clients/imports/{jobId}/cancel', {
          params: { path: { jobId: job.jobId }, header: { 'Idempotency-Key': idempotencyKey(), ...salonHeader } },
        }),
      network,
    );
    setBusy(undefined);
    if (result.problem) return setRunProblem(localized(im, result.problem));
    receive(result.data);
  };

  const download = async (phase?: ReportPhase) => {
    if (!job) return;
    setDownloadProblem(undefined);
    setBusy('download');
    const jobId = job.jobId;
    const result = await outcomeOf(
      () =>
        api.clients.GET('/clients/imports/{jobId}/report', {
          params: { path: { jobId }, query: { format: 'csv', ...(phase ? { phase } : {}) } },
          parseAs: 'blob',
        }),
      network,
    );
    setBusy(undefined);
    if (result.problem) return setDownloadProblem({ phase, problem: localized(im, result.problem) });
    saveBlob(result.data, `import-${jobId}${phase ? `-${phase}` : ''}.csv`);
  };

  const choose = (column: number, field: ImportField | '') => {
    setSaved(false);
    setMappingProblem(undefined);
    setDraft((current) => current.map((value, index) => (index === column ? field : value)));
  };

  // The mapping's refusals: at their column, or above the table (the phone missing, anything else).
  const columnKeys = draft.map((_, column) => `column${column}`);
  const mappingAbove: ApiProblem | undefined = mappingProblem && {
    ...mappingProblem,
    fields: [],
    message: mappingProblem.fields
      .filter((entry) => !columnKeys.some((key) => entry.field === key || entry.field.startsWith(`${key}.`)))
      .map((entry) => entry.reason)
      .join('; '),
  };
  const showMappingAbove = !!mappingProblem && (mappingProblem.fields.length === 0 || !!mappingAbove?.message);

  const failureReason = (() => {
    const failure = job?.failure as Readonly<Record<string, unknown>> | undefined;
    return typeof failure?.['reason'] === 'string' ? failure['reason'] : undefined;
  })();
  const dryRunPolicy = job?.existingClients;
  const downloadError = (phase?: ReportPhase) =>
    downloadProblem && downloadProblem.phase === phase ? <FormProblem t={t} problem={downloadProblem.problem} known={[]} /> : null;

  const headingId = (step: string) => `${ids}-${step}`;

  return (
    <section className="panel import-wizard" aria-labelledby={headingId('title')}>
      <div className="toolbar">
        <h2 id={headingId('title')}>{im.title}</h2>
      </div>
      <p className="hint">{im.intro}</p>

      {/* 1. Upload */}
      <section aria-labelledby={headingId('upload')}>
        <h3 id={headingId('upload')}>{im.uploadStep}</h3>
        <form onSubmit={(event) => void upload(event)}>
          <FormProblem t={t} problem={uploadProblem} known={UPLOAD_FIELDS} />
          <Field label={im.fileLabel} problem={uploadProblem} fields={UPLOAD_FIELDS} t={t}>
            {(id, describedBy) => (
              <input
                id={id}
                type="file"
                accept=".csv,.xlsx,.ods"
                aria-describedby={[`${headingId('file-hint')}`, describedBy].filter(Boolean).join(' ')}
                aria-invalid={describedBy ? true : undefined}
                disabled={busy === 'upload' || inProgress}
                onChange={(event) => {
                  setFile(event.target.files?.[0]);
                  setUploadProblem(undefined);
                }}
              />
            )}
          </Field>
          <p id={headingId('file-hint')} className="hint">
            {im.fileHint}
            {job ? ` ${im.replaceHint}` : ''}
          </p>
          <button type="submit" disabled={busy !== undefined || inProgress}>
            {im.upload}
          </button>
        </form>
        {busy === 'upload' ? (
          <p className="loading" role="status" aria-live="polite">
            {im.uploading}
          </p>
        ) : job ? (
          <p role="status" aria-live="polite">
            {im.uploadedFile(job.format, job.rowsTotal)}
          </p>
        ) : null}
        {job && job.rowsTotal === 0 ? <p className="empty">{im.noRows}</p> : null}
      </section>

      {job ? (
        <>
          {/* 2. Mapping */}
          <section aria-labelledby={headingId('mapping')}>
            <h3 id={headingId('mapping')} ref={mappingHeading} tabIndex={-1}>
              {im.mappingStep}
            </h3>
            <p className="hint">{editable ? im.mappingHint : im.mappingLocked}</p>
            {showMappingAbove ? <FormProblem t={t} problem={mappingAbove} known={[]} /> : null}
            <table className="import-columns" aria-label={im.columnsTable}>
              <thead>
                <tr>
                  <th scope="col">{im.columnLetter}</th>
                  <th scope="col">{im.columnHeader}</th>
                  <th scope="col">{im.targetField}</th>
                </tr>
              </thead>
              <tbody>
                {draft.map((field, column) => {
                  const selectId = `${ids}-column-${column}`;
                  const errorId = `${selectId}-error`;
                  const error = problemFor(mappingProblem, `column${column}`);
                  const header = job.headers[column] ?? '';
                  return (
                    <tr key={column}>
                      <td>{columnLetter(column)}</td>
                      <th scope="row">
                        <label htmlFor={selectId}>{header || im.columnWithoutHeader(columnLetter(column))}</label>
                      </th>
                      <td>
                        <select
                          id={selectId}
                          value={field}
                          disabled={!editable || busy !== undefined}
                          aria-invalid={error ? true : undefined}
                          aria-describedby={error ? errorId : undefined}
                          onChange={(event) => choose(column, event.target.value as ImportField | '')}
                        >
                          <option value="">{im.ignore}</option>
                          {FIELDS.map((key) => (
                            <option key={key} value={key}>
                              {im.fields[key]}
                            </option>
                          ))}
                        </select>
                        {error ? (
                          <p id={errorId} className="field-error" role="alert">
                            {error.reason}
                          </p>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <h4>{im.unknownColumns}</h4>
            {job.unknownColumns.length === 0 ? (
              <p className="empty">{im.noUnknownColumns}</p>
            ) : (
              <ul aria-label={im.unknownColumns}>
                {job.unknownColumns.map((entry) => (
                  <li key={entry.column}>
                    {columnLetter(entry.column)}: {entry.header || im.columnWithoutHeader(columnLetter(entry.column))}
                  </li>
                ))}
              </ul>
            )}
            {changed && editable ? <p className="hint">{im.mappingUnsaved}</p> : null}
            {saved && !changed ? (
              <p role="status" aria-live="polite">
                {im.mappingSaved}
              </p>
            ) : null}
            <div className="toolbar">
              {changed ? (
                <button type="button" disabled={!editable || busy !== undefined} onClick={() => void saveMapping()}>
                  {im.saveMapping}
                </button>
              ) : null}
              <button type="button" disabled={!editable || busy !== undefined} onClick={() => void dryRun()}>
                {im.dryRun}
              </button>
            </div>
          </section>

          {/* 3. Dry run and its report */}
          <section aria-labelledby={headingId('dry-run')}>
            <h3 id={headingId('dry-run')} ref={dryRunHeading} tabIndex={-1}>
              {im.dryRunStep}
            </h3>
            <p className="hint">{im.dryRunHint}</p>
            <FormProblem t={t} problem={dryRunProblem} known={[]} />
            {status === 'dry-run-running' ? (
              <>
                <Progress id={`${ids}-dry-run-progress`} label={im.dryRunProgress} done={job.progress.rowsDone} total={job.progress.rowsTotal} im={im} />
                {pollProblem ? <FormProblem t={t} problem={pollProblem} known={[]} /> : null}
                <button type="button" disabled={busy !== undefined} onClick={() => void cancel()}>
                  {busy === 'cancel' ? im.cancelling : im.cancelImport}
                </button>
              </>
            ) : busy === 'dry-run' ? (
              <Loading t={t} />
            ) : job.dryRun ? (
              <>
                {dryRunPolicy && status === 'dry-run-completed' ? <p>{im.dryRunWith(im.policies[dryRunPolicy])}</p> : null}
                <CountsView counts={job.dryRun} total={job.rowsTotal} im={im} label={im.counts} />
                {report === 'loading' ? (
                  <p className="loading" role="status" aria-live="polite">
                    {im.loadingReport}
                  </p>
                ) : report ? (
                  <>
                    <h4>{im.refusedRows}</h4>
                    {report.refused.length === 0 ? <p className="empty">{im.noRefusedRows}</p> : <LinesTable label={im.refusedRows} lines={report.refused} im={im} />}
                    {report.remarks.length > 0 ? (
                      <>
                        <h4>{im.remarksRows}</h4>
                        <LinesTable label={im.remarksRows} lines={report.remarks} im={im} withOutcome />
                      </>
                    ) : null}
                  </>
                ) : null}
                <FormProblem t={t} problem={reportProblem} known={[]} />
                {downloadError('dry-run')}
                <button type="button" disabled={busy !== undefined} onClick={() => void download('dry-run')}>
                  {im.downloadDryRunReport}
                </button>
              </>
            ) : (
              <p className="empty">{im.noDryRunYet}</p>
            )}
          </section>

          {/* 4. The import */}
          <section aria-labelledby={headingId('run')}>
            <h3 id={headingId('run')} ref={runHeading} tabIndex={-1}>
              {im.runStep}
            </h3>
            <p className="hint">{im.runHint}</p>
            <fieldset disabled={!editable || busy !== undefined}>
              <legend>{im.policyLegend}</legend>
              {POLICIES.map((value) => {
                const id = `${ids}-policy-${value}`;
                return (
                  <div key={value}>
                    <input type="radio" id={id} name={`${ids}-policy`} value={value} checked={policy === value} aria-describedby={`${id}-hint`} onChange={() => setPolicy(value)} />
                    <label htmlFor={id}>{im.policies[value]}</label>
                    <span id={`${id}-hint`} className="hint">
                      {' '}
                      — {im.policyHints[value]}
                    </span>
                  </div>
                );
              })}
              <p className="hint">{im.consentNeverChanged}</p>
            </fieldset>
            {status === 'dry-run-completed' && dryRunPolicy && dryRunPolicy !== policy ? (
              <p className="stale">
                {im.policyDiffers(im.policies[dryRunPolicy])}{' '}
                <button type="button" disabled={!editable || busy !== undefined} onClick={() => void dryRun()}>
                  {im.dryRunAgain}
                </button>
              </p>
            ) : null}
            <FormProblem t={t} problem={runProblem} known={[]} />
            {job.fileRemoved && !finished ? <p className="form-error">{im.fileRemoved}</p> : null}
            {status === 'uploaded' || status === 'dry-run-completed' || status === 'dry-run-running' ? (
              <>
                {status !== 'dry-run-completed' || changed ? <p className="empty">{im.runAfterDryRun}</p> : null}
                <button type="button" disabled={status !== 'dry-run-completed' || changed || job.fileRemoved || busy !== undefined} onClick={() => void run()}>
                  {im.runImport}
                </button>
              </>
            ) : null}
            {status === 'running' ? (
              <>
                <Progress id={`${ids}-import-progress`} label={im.importProgress} done={job.progress.rowsDone} total={job.progress.rowsTotal} im={im} />
                <CountsView counts={job.progress} total={job.progress.rowsTotal} im={im} label={im.counts} />
                {pollProblem ? <FormProblem t={t} problem={pollProblem} known={[]} /> : null}
                <button type="button" disabled={busy !== undefined} onClick={() => void cancel()}>
                  {busy === 'cancel' ? im.cancelling : im.cancelImport}
                </button>
              </>
            ) : null}
            {finished ? (
              <>
                {status === 'completed' ? (
                  <p role="status" aria-live="polite">
                    {im.completed}
                  </p>
                ) : status === 'cancelled' ? (
                  <p role="status" aria-live="polite">
                    {im.cancelled}
                  </p>
                ) : (
                  <p className="form-error" role="alert">
                    {im.failed}
                    {failureReason ? ` ${failureReason}` : ''}
                  </p>
                )}
                <CountsView counts={job.progress} total={job.progress.rowsTotal} im={im} label={im.counts} />
                {downloadError(status === 'cancelled' ? undefined : 'import')}
                <button type="button" disabled={busy !== undefined} onClick={() => void download(status === 'cancelled' ? undefined : 'import')}>
                  {busy === 'download' ? im.downloading : im.downloadReport}
                </button>
              </>
            ) : null}
          </section>
        </>
      ) : null}

      {/* 5. Leave */}
      <div className="toolbar">
        {inProgress ? <p className="hint">{im.leaveHint}</p> : null}
        <button type="button" onClick={props.onDone}>
          {finished ? im.done : im.backToList}
        </button>
      </div>
    </section>
  );
}
