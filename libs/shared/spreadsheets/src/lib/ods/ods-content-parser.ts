import { parser as saxParser, type QualifiedTag, type SAXParser } from 'sax';
import { calendarDate, isEmptyCell, SpreadsheetError, type CellValue, type ReadLimits } from '../sheet';

const TABLE = 'urn:oasis:names:tc:opendocument:xmlns:table:1.0';
const TEXT = 'urn:oasis:names:tc:opendocument:xmlns:text:1.0';
const OFFICE = 'urn:oasis:names:tc:opendocument:xmlns:office:1.0';

/** A non-empty row of the first table, `repeat` times in a row (table:number-rows-repeated), starting at row `number`. */
export interface OdsRowRun {
  readonly number: number;
  readonly repeat: number;
  readonly cells: readonly CellValue[];
}

/**
 * A push parser of an ODF spreadsheet's content.xml: write text chunks in, take the finished
 * rows out. Only the first table is read. Repeats are kept as counts: LibreOffice pads a
 * formatted sheet to 1,048,576 rows × 1,024 columns of empty cells, which must cost nothing.
 * Empty cells are materialised only when a non-empty cell follows them in the row.
 */
export class OdsContentParser {
  private readonly sax: SAXParser;
  private readonly finished: OdsRowRun[] = [];
  private failure: Error | undefined;
  private tableDepth = 0;
  private firstTableDone = false;
  private rowNumber = 1;
  private row: RowInProgress | undefined;
  private cell: CellInProgress | undefined;
  private annotationDepth = 0;

  constructor(private readonly limits: ReadLimits) {
    this.sax = saxParser(true, { xmlns: true, strictEntities: true, position: false });
    this.sax.onerror = (error) => {
      this.failure ??= error;
    };
    this.sax.onopentag = (tag) => this.open(tag);
    this.sax.onclosetag = () => this.close();
    this.sax.ontext = (text) => this.text(text);
    this.sax.oncdata = (text) => this.text(text);
  }

  /** True once the first table has ended: the rest of content.xml need not be read. */
  get done(): boolean {
    return this.firstTableDone;
  }

  write(chunk: string): void {
    if (this.firstTableDone) return;
    this.sax.write(chunk);
    this.throwOnFailure();
  }

  end(): void {
    if (!this.firstTableDone) {
      this.sax.close();
      this.throwOnFailure();
    }
  }

  /** The rows finished since the last call. */
  take(): OdsRowRun[] {
    return this.finished.splice(0, this.finished.length);
  }

  private throwOnFailure(): void {
    if (this.failure) throw new SpreadsheetError('corrupt-file', 'content.xml is not well-formed XML', { cause: this.failure });
  }

  // The element stack is implicit: sax reports closes in order, so one stack of kinds is enough.
  private readonly stack: ElementKind[] = [];

  private open(tag: QualifiedTag): void {
    const kind = this.kindOf(tag);
    this.stack.push(kind);
    switch (kind) {
      case 'table':
        this.tableDepth++;
        break;
      case 'row':
        this.row = { repeat: positiveCount(attribute(tag, TABLE, 'number-rows-repeated')), cells: [], pendingEmpty: 0 };
        break;
      case 'cell':
      case 'covered-cell':
        this.cell = {
          covered: kind === 'covered-cell',
          repeat: positiveCount(attribute(tag, TABLE, 'number-columns-repeated')),
          valueType: attribute(tag, OFFICE, 'value-type'),
          value: attribute(tag, OFFICE, 'value'),
          dateValue: attribute(tag, OFFICE, 'date-value'),
          booleanValue: attribute(tag, OFFICE, 'boolean-value'),
          text: '',
          paragraphs: 0,
        };
        break;
      case 'annotation':
        this.annotationDepth++;
        break;
      case 'paragraph':
        if (this.collectsText() && this.cell && this.cell.paragraphs++ > 0) this.cell.text += '\n';
        break;
      case 'space':
        if (this.collectsText() && this.cell) this.cell.text += ' '.repeat(Math.min(positiveCount(attribute(tag, TEXT, 'c')), 10_000));
        break;
      case 'tab':
        if (this.collectsText() && this.cell) this.cell.text += '\t';
        break;
      case 'line-break':
        if (this.collectsText() && this.cell) this.cell.text += '\n';
        break;
      case 'other':
        break;
    }
  }

  private close(): void {
    const kind = this.stack.pop();
    switch (kind) {
      case 'table':
        this.tableDepth--;
        if (this.tableDepth === 0) this.firstTableDone = true;
        break;
      case 'row':
        this.endRow();
        break;
      case 'cell':
      case 'covered-cell':
        this.endCell();
        break;
      case 'annotation':
        this.annotationDepth--;
        break;
      default:
        break;
    }
  }

  private text(text: string): void {
    // Text is taken literally: LibreOffice writes runs of spaces as they are (and text:s elsewhere).
    if (this.collectsText() && this.cell && this.stack.includes('paragraph')) this.cell.text += text;
  }

  private collectsText(): boolean {
    return this.cell !== undefined && !this.cell.covered && this.annotationDepth === 0;
  }

  private kindOf(tag: QualifiedTag): ElementKind {
    if (this.firstTableDone) return 'other';
    if (tag.uri === TABLE) {
      if (tag.local === 'table') return 'table';
      if (this.tableDepth !== 1) return 'other'; // a sub-table inside a cell is not part of the sheet's grid
      if (tag.local === 'table-row') return 'row';
      if (tag.local === 'table-cell' && this.row) return 'cell';
      if (tag.local === 'covered-table-cell' && this.row) return 'covered-cell';
      return 'other';
    }
    if (!this.cell) return 'other';
    if (tag.uri === OFFICE && tag.local === 'annotation') return 'annotation';
    if (tag.uri === TEXT) {
      switch (tag.local) {
        case 'p':
        case 'h':
          return 'paragraph';
        case 's':
          return 'space';
        case 'tab':
          return 'tab';
        case 'line-break':
          return 'line-break';
      }
    }
    return 'other';
  }

  private endCell(): void {
    const cell = this.cell;
    const row = this.row;
    this.cell = undefined;
    if (!cell || !row) return;
    const value = cell.covered ? null : valueOf(cell);
    if (isEmptyCell(value)) {
      row.pendingEmpty += cell.repeat;
      return;
    }
    const columns = row.cells.length + row.pendingEmpty + cell.repeat;
    if (columns > this.limits.maxColumns) {
      throw new SpreadsheetError('too-many-columns', `a row has more than ${this.limits.maxColumns} columns`);
    }
    for (let i = 0; i < row.pendingEmpty; i++) row.cells.push(null);
    row.pendingEmpty = 0;
    for (let i = 0; i < cell.repeat; i++) row.cells.push(value);
  }

  private endRow(): void {
    const row = this.row;
    this.row = undefined;
    if (!row) return;
    if (row.cells.length > 0) this.finished.push({ number: this.rowNumber, repeat: row.repeat, cells: row.cells });
    this.rowNumber += row.repeat;
  }
}

type ElementKind = 'table' | 'row' | 'cell' | 'covered-cell' | 'annotation' | 'paragraph' | 'space' | 'tab' | 'line-break' | 'other';

interface RowInProgress {
  readonly repeat: number;
  readonly cells: CellValue[];
  pendingEmpty: number;
}

interface CellInProgress {
  readonly covered: boolean;
  readonly repeat: number;
  readonly valueType: string | undefined;
  readonly value: string | undefined;
  readonly dateValue: string | undefined;
  readonly booleanValue: string | undefined;
  text: string;
  paragraphs: number;
}

const ISO_DATE = /^(-?\d{4,})-(\d{2})-(\d{2})/;

/** The typed value of a cell by office:value-type; the shown text where the type says nothing more (string, time, none). */
function valueOf(cell: CellInProgress): CellValue {
  switch (cell.valueType) {
    case 'float':
    case 'percentage':
    case 'currency': {
      const number = cell.value === undefined ? Number.NaN : Number(cell.value);
      return Number.isFinite(number) ? number : textOf(cell);
    }
    case 'date': {
      const match = cell.dateValue === undefined ? null : ISO_DATE.exec(cell.dateValue);
      return match ? calendarDate(Number(match[1]), Number(match[2]), Number(match[3])) : textOf(cell);
    }
    case 'boolean':
      return cell.booleanValue === 'true' || cell.booleanValue === '1';
    default:
      return textOf(cell);
  }
}

function textOf(cell: CellInProgress): string | null {
  return cell.text === '' ? null : cell.text;
}

function attribute(tag: QualifiedTag, uri: string, local: string): string | undefined {
  for (const name in tag.attributes) {
    const candidate = tag.attributes[name];
    if (candidate && candidate.local === local && candidate.uri === uri) return candidate.value;
  }
  return undefined;
}

function positiveCount(value: string | undefined): number {
  const count = value === undefined ? 1 : Number.parseInt(value, 10);
  return Number.isSafeInteger(count) && count > 0 ? count : 1;
}
