/**
 * `npm run bench:spreadsheets [-- --rows 100000]`: the streaming spreadsheets library
 * (@salon/shared/spreadsheets) writing and then reading a client base of `--rows` rows × 12
 * columns in csv, xlsx and ods. Every step runs in a child process of its own, so the peak RSS
 * (getrusage maxrss) is that step's alone: a reader holding the sheet would show here. The
 * rows read back are counted and checked against those written (the numbers only count if
 * they match). Markdown to stdout, progress to stderr.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSheetWriter, readSheet, type CellValue, type SheetFormat } from '@salon/shared/spreadsheets';

const FORMATS: readonly SheetFormat[] = ['csv', 'xlsx', 'ods'];
const COLUMNS = ['Imię', 'Nazwisko', 'Telefon', 'E-mail', 'Data urodzenia', 'Płeć', 'Rabat na usługi', 'Rabat na produkty', 'Zgoda SMS', 'Miasto', 'Kod pocztowy', 'Uwagi'];
const FIRST_NAMES = ['Żaneta', 'Anna', 'Łucja', 'Grzegorz', 'Małgorzata', 'Jan', 'Ewa', 'Zbigniew'];
const LAST_NAMES = ['Łukasiewicz', 'Kowalska', 'Brzęczyszczykiewicz', 'Nowak', 'Wiśniewska', 'Żak'];
const CITIES = ['Kraków', 'Łódź', 'Gdańsk', 'Warszawa', 'Poznań'];

interface StepResult {
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly rows: number;
}

/** Row i of the generated client base: deterministic, so writer and reader agree without sharing memory. */
function clientRow(i: number): CellValue[] {
  return [
    FIRST_NAMES[i % FIRST_NAMES.length] ?? '',
    LAST_NAMES[i % LAST_NAMES.length] ?? '',
    `+48 6${String(i).padStart(8, '0')}`,
    `klient${i}@example.com`,
    new Date(Date.UTC(1950 + (i % 55), i % 12, 1 + (i % 28))),
    i % 2 === 0 ? 'K' : 'M',
    i % 20,
    (i % 7) * 2.5,
    i % 3 !== 0,
    CITIES[i % CITIES.length] ?? '',
    `${String(10 + (i % 89)).padStart(2, '0')}-${String(i % 1000).padStart(3, '0')}`,
    i % 10 === 0 ? `Woli termin rano;\nalergia na lateks (klientka nr ${i})` : null,
  ];
}

async function writeStep(format: SheetFormat, path: string, rows: number): Promise<number> {
  const writer = createSheetWriter(format, createWriteStream(path), { sheetName: 'Klienci' });
  await writer.writeRow(COLUMNS);
  for (let i = 0; i < rows; i++) await writer.writeRow(clientRow(i));
  await writer.end();
  return rows + 1;
}

async function readStep(format: SheetFormat, path: string, rows: number): Promise<number> {
  const limits = { maxFileBytes: 1024 ** 3, maxUncompressedBytes: 4 * 1024 ** 3, maxRows: rows + 1, maxColumns: COLUMNS.length };
  let count = 0;
  for await (const row of readSheet(path, format, limits)) {
    count++;
    if (row.cells.length === 0) throw new Error(`row ${row.number} came back empty`);
  }
  return count;
}

type Step = 'write' | 'read' | 'baseline';

async function child(step: Step, format: SheetFormat, path: string, rows: number): Promise<void> {
  const started = performance.now();
  const count = step === 'write' ? await writeStep(format, path, rows) : step === 'read' ? await readStep(format, path, rows) : 0;
  const seconds = (performance.now() - started) / 1000;
  const result: StepResult = { seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, rows: count };
  process.stdout.write(JSON.stringify(result));
}

function runChild(step: Step, format: SheetFormat, path: string, rows: number): StepResult {
  const output = execFileSync(process.execPath, ['-r', '@swc-node/register', __filename, '--child', step, format, path, String(rows)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(output) as StepResult;
}

function progress(message: string): void {
  process.stderr.write(`[bench:spreadsheets] ${message}\n`);
}

function main(): void {
  const rowsArgument = process.argv.indexOf('--rows');
  const rows = rowsArgument > 0 ? Number(process.argv[rowsArgument + 1]) : 100_000;
  if (!Number.isSafeInteger(rows) || rows <= 0) throw new Error('--rows must be a positive integer');
  const directory = mkdtempSync(join(tmpdir(), 'bench-spreadsheets-'));
  const lines = [
    `Spreadsheets: ${rows.toLocaleString('en')} rows × ${COLUMNS.length} columns (+ header), each step in its own process`,
    '',
    '| format | file MB | write s | write peak RSS MB | read s | read peak RSS MB | rows read |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  let valid = true;
  // The same child doing nothing: Node with the TypeScript loader already takes this much.
  const baseline = runChild('baseline', 'csv', join(directory, 'none'), 0);
  try {
    for (const format of FORMATS) {
      const path = join(directory, `clients.${format}`);
      progress(`${format}: writing`);
      const written = runChild('write', format, path, rows);
      progress(`${format}: reading`);
      const read = runChild('read', format, path, rows);
      if (read.rows !== written.rows) valid = false;
      const megabytes = statSync(path).size / 1024 ** 2;
      lines.push(
        `| ${format} | ${megabytes.toFixed(1)} | ${written.seconds.toFixed(1)} | ${written.peakRssMb.toFixed(0)} | ${read.seconds.toFixed(1)} | ${read.peakRssMb.toFixed(0)} | ${read.rows.toLocaleString('en')} |`,
      );
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  lines.push('', `A child that loads the library and does nothing peaks at ${baseline.peakRssMb.toFixed(0)} MB (Node + the TypeScript loader).`);
  lines.push('', valid ? 'All rows read back.' : 'INVALID: a reader returned another number of rows than were written.');
  process.stdout.write(`${lines.join('\n')}\n`);
  if (!valid) process.exitCode = 1;
}

if (process.argv[2] === '--child') {
  const [step, format, path, rows] = process.argv.slice(3);
  child(step as Step, format as SheetFormat, path ?? '', Number(rows)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main();
}
