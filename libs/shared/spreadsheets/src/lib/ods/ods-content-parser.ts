import * as sax from 'sax';
import { calendarDate, isEmptyCell, Percentage, SpreadsheetError, type ReadLimits, type SheetCellValue } from '../sheet';

const TABLE = 'urn:oasis:names:tc:opendocument:xmlns:table:1.0';
const TEXT = 'urn:oasis:names:tc:opendocument:xmlns:text:1.0';
const OFFICE = 'urn:oasis:names:tc:opendocument:xmlns:office:1.0';
const USUAL_PREFIXES: Readonly<Record<string, string>> = { [TABLE]: 'table', [TEXT]: 'text', [OFFICE]: 'office' };

/** A tag as sax reports it without namespace processing (xmlns: false): qualified names, plain attribute values. */
interface PlainTag {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
}

interface PlainSaxParser {
  onopentag: (tag: PlainTag) => void;
  onclosetag: (name: string) => void;
  ontext: (text: string) => void;
  oncdata: (text: string) => void;
  onerror: (error: Error) => void;
  write(chunk: string): PlainSaxParser;
  close(): PlainSaxParser;
}

/**
 * sax without namespace processing parses ~1.6× faster (resolving every name and attribute is
 * most of its time on a 100 MB content.xml); the prefixes are instead taken from the root
 * element's declarations, so a writer that does not use LibreOffice's prefixes is still read.
 */
const plainSaxParser = sax.parser as unknown as (strict: true, options: { xmlns: false; strictEntities: true; position: false }) => PlainSaxParser;

/** The qualified names of the elements and attributes the parser looks at, for the document's prefixes. */
class OdfNames {
  readonly table: string;
  readonly row: string;
  readonly cell: string;
  readonly coveredCell: string;
  readonly annotation: string;
  readonly paragraph: string;
  readonly heading: string;
  readonly space: string;
  readonly tab: string;
  readonly lineBreak: string;
  readonly rowsRepeated: string;
  readonly columnsRepeated: string;
  readonly valueType: string;
  readonly value: string;
  readonly dateValue: string;
  readonly booleanValue: string;
  readonly spaceCount: string;

  constructor(prefixOf: (uri: string) => string) {
    const table = (local: string) => qualified(prefixOf(TABLE), local);
    const text = (local: string) => qualified(prefixOf(TEXT), local);
    const office = (local: string) => qualified(prefixOf(OFFICE), local);
    this.table = table('table');
    this.row = table('table-row');
    this.cell = table('table-cell');
    this.coveredCell = table('covered-table-cell');
    this.rowsRepeated = table('number-rows-repeated');
    this.columnsRepeated = table('number-columns-repeated');
    this.annotation = office('annotation');
    this.valueType = office('value-type');
    this.value = office('value');
    this.dateValue = office('date-value');
    this.booleanValue = office('boolean-value');
    this.paragraph = text('p');
    this.heading = text('h');
    this.space = text('s');
    this.tab = text('tab');
    this.lineBreak = text('line-break');
    this.spaceCount = text('c');
  }

  /** From the root element's xmlns declarations (ODF declares every namespace there); the usual prefixes otherwise. */
  static of(root: PlainTag): OdfNames {
    const declared = new Map<string, string>();
    for (const [name, value] of Object.entries(root.attributes)) {
      if (name === 'xmlns') declared.set(value, '');
      else if (name.startsWith('xmlns:')) declared.set(value, name.slice('xmlns:'.length));
    }
    return new OdfNames((uri) => declared.get(uri) ?? USUAL_PREFIXES[uri] ?? '');
  }
}

function qualified(prefix: string, local: string): string {
  return prefix === '' ? local : `${prefix}:${local}`;
}

/** A non-empty row of the first table, `repeat` times in a row (table:number-rows-repeated), starting at row `number`. */
export interface OdsRowRun {
  readonly number: number;
  readonly repeat: number;
  readonly cells: readonly SheetCellValue[];
}

/**
 * A push parser of an ODF spreadsheet's content.xml: write text chunks in, take the finished
 * rows out. Only the first table is read. Repeats are kept as counts: LibreOffice pads a
 * formatted sheet to 1,048,576 rows × 1,024 columns of empty cells, which must cost nothing.
 * Empty cells are materialised only when a non-empty cell follows them in the row.
 */
export class OdsContentParser {
  private readonly sax: PlainSaxParser;
  private names: OdfNames | undefined;
  private readonly finished: OdsRowRun[] = [];
  private failure: Error | undefined;
  private tableDepth = 0;
  private firstTableDone = false;
  private rowNumber = 1;
  private row: RowInProgress | undefined;
  private cell: CellInProgress | undefined;
  private annotationDepth = 0;

  constructor(private readonly limits: ReadLimits) {
    this.sax = plainSaxParser(true, { xmlns: false, strictEntities: true, position: false });
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

  // What each open element was taken for when it opened: sax names a closing tag only, and the
  // decision (is this the sheet's table, a cell of it…) was made at the opening.
  private readonly stack: ElementKind[] = [];

  private open(tag: PlainTag): void {
    this.names ??= OdfNames.of(tag);
    const names = this.names;
    const kind = this.kindOf(tag.name, names);
    this.stack.push(kind);
    switch (kind) {
      case 'table':
        this.tableDepth++;
        break;
      case 'row':
        this.row = { repeat: positiveCount(tag.attributes[names.rowsRepeated]), cells: [], pendingEmpty: 0 };
        break;
      case 'cell':
      case 'covered-cell':
        this.cell = {
          covered: kind === 'covered-cell',
          repeat: positiveCount(tag.attributes[names.columnsRepeated]),
          valueType: tag.attributes[names.valueType],
          value: tag.attributes[names.value],
          dateValue: tag.attributes[names.dateValue],
          booleanValue: tag.attributes[names.booleanValue],
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
        if (this.collectsText() && this.cell) this.cell.text += ' '.repeat(Math.min(positiveCount(tag.attributes[names.spaceCount]), 10_000));
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

  private kindOf(name: string, names: OdfNames): ElementKind {
    if (this.firstTableDone) return 'other';
    if (name === names.table) return 'table';
    if (this.tableDepth !== 1) return 'other'; // outside the sheet, or a sub-table inside a cell
    if (name === names.row) return 'row';
    if (!this.row) return 'other';
    if (name === names.cell) return 'cell';
    if (name === names.coveredCell) return 'covered-cell';
    if (!this.cell) return 'other';
    switch (name) {
      case names.annotation:
        return 'annotation';
      case names.paragraph:
      case names.heading:
        return 'paragraph';
      case names.space:
        return 'space';
      case names.tab:
        return 'tab';
      case names.lineBreak:
        return 'line-break';
      default:
        return 'other';
    }
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
  readonly cells: SheetCellValue[];
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
function valueOf(cell: CellInProgress): SheetCellValue {
  switch (cell.valueType) {
    case 'float':
    case 'percentage':
    case 'currency': {
      const number = cell.value === undefined ? Number.NaN : Number(cell.value);
      if (!Number.isFinite(number)) return textOf(cell);
      // office:value holds the fraction (0.1 for the 10 % shown).
      return cell.valueType === 'percentage' ? new Percentage(number) : number;
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

function positiveCount(value: string | undefined): number {
  const count = value === undefined ? 1 : Number.parseInt(value, 10);
  return Number.isSafeInteger(count) && count > 0 ? count : 1;
}
