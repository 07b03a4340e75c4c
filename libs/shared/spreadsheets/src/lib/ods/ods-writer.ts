import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { neutraliseFormula } from '../formula-injection';
import { assertWritableCell, drained, withoutNonXmlCharacters } from '../output';
import { isoDate, type CellValue } from '../sheet';
import type { SheetWriter } from '../sheet-writer';

const MIMETYPE = 'application/vnd.oasis.opendocument.spreadsheet';
const NAMESPACES =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ' +
  'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" ' +
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" ' +
  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" ' +
  'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" ' +
  'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"';

const MANIFEST =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">' +
  `<manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="${MIMETYPE}"/>` +
  '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>' +
  '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>' +
  '</manifest:manifest>';

const STYLES = `<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles ${NAMESPACES} office:version="1.2"><office:styles/></office:document-styles>`;

/** Dates shown as YYYY-MM-DD, as the csv carries them; booleans as TRUE/FALSE (without a style LibreOffice shows 1/0). */
const DATE_CELL_STYLE = 'ceDate';
const BOOLEAN_CELL_STYLE = 'ceBoolean';
const AUTOMATIC_STYLES =
  '<office:automatic-styles>' +
  '<number:date-style style:name="NDate"><number:year number:style="long"/><number:text>-</number:text>' +
  '<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>' +
  `<style:style style:name="${DATE_CELL_STYLE}" style:family="table-cell" style:data-style-name="NDate"/>` +
  '<number:boolean-style style:name="NBoolean"><number:boolean/></number:boolean-style>' +
  `<style:style style:name="${BOOLEAN_CELL_STYLE}" style:family="table-cell" style:data-style-name="NBoolean"/>` +
  '</office:automatic-styles>';

/**
 * A minimal OpenDocument spreadsheet on yazl: `mimetype` first and stored (how readers
 * recognise ODF), the manifest, minimal styles, and content.xml streamed row by row through
 * a PassThrough that yazl deflates as it goes; awaiting 'drain' carries `out`'s backpressure back.
 */
export function createOdsWriter(out: NodeJS.WritableStream, sheetName: string): SheetWriter {
  const zip = new ZipFile();
  zip.outputStream.pipe(out);
  const entryOptions = { mtime: new Date(Date.UTC(2020, 0, 1)) };
  zip.addBuffer(Buffer.from(MIMETYPE, 'ascii'), 'mimetype', { ...entryOptions, compress: false });
  zip.addBuffer(Buffer.from(MANIFEST, 'utf8'), 'META-INF/manifest.xml', entryOptions);
  zip.addBuffer(Buffer.from(STYLES, 'utf8'), 'styles.xml', entryOptions);
  const content = new PassThrough();
  zip.addReadStream(content, 'content.xml', entryOptions);
  // Rows are gathered into chunks of ~64 KiB: one deflate call per row costs more than the XML itself.
  let pending = '';
  const flush = async () => {
    const chunk = pending;
    pending = '';
    if (chunk !== '' && !content.write(chunk)) await drained(content, out);
  };
  const write = async (xml: string) => {
    pending += xml;
    if (pending.length >= 64 * 1024) await flush();
  };
  let started = false;
  const start = async () => {
    if (started) return;
    started = true;
    await write(
      `<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content ${NAMESPACES} office:version="1.2">${AUTOMATIC_STYLES}` +
        `<office:body><office:spreadsheet><table:table table:name="${escapeXml(sheetName)}"><table:table-column/>`,
    );
  };
  return {
    async writeRow(cells) {
      await start();
      await write(rowXml(cells));
    },
    async end() {
      await start();
      await write('</table:table></office:spreadsheet></office:body></office:document-content>');
      await flush();
      content.end();
      zip.end();
      await finished(out);
    },
  };
}

function rowXml(cells: readonly CellValue[]): string {
  let xml = '<table:table-row>';
  let emptyRun = 0;
  for (const cell of cells) {
    assertWritableCell(cell);
    if (cell === null || cell === '') {
      emptyRun++;
      continue;
    }
    if (emptyRun > 0) xml += emptyCells(emptyRun);
    emptyRun = 0;
    xml += cellXml(cell);
  }
  // Trailing empty cells are left out; a row with none gets one, as the schema wants a cell.
  if (xml === '<table:table-row>') xml += '<table:table-cell/>';
  return `${xml}</table:table-row>`;
}

function emptyCells(count: number): string {
  return count === 1 ? '<table:table-cell/>' : `<table:table-cell table:number-columns-repeated="${count}"/>`;
}

function cellXml(value: Exclude<CellValue, null>): string {
  if (typeof value === 'string') {
    return `<table:table-cell office:value-type="string">${paragraphs(neutraliseFormula(value))}</table:table-cell>`;
  }
  if (typeof value === 'number') {
    return `<table:table-cell office:value-type="float" office:value="${value}"><text:p>${value}</text:p></table:table-cell>`;
  }
  if (typeof value === 'boolean') {
    return `<table:table-cell table:style-name="${BOOLEAN_CELL_STYLE}" office:value-type="boolean" office:boolean-value="${value}"><text:p>${value ? 'TRUE' : 'FALSE'}</text:p></table:table-cell>`;
  }
  const day = isoDate(value);
  return `<table:table-cell table:style-name="${DATE_CELL_STYLE}" office:value-type="date" office:date-value="${day}"><text:p>${day}</text:p></table:table-cell>`;
}

/**
 * One text:p per line; runs of spaces as text:s, which ODF readers keep (plain runs may be
 * collapsed). A TAB stays a literal character: LibreOffice Calc drops text:tab in a cell.
 */
function paragraphs(text: string): string {
  return withoutNonXmlCharacters(text)
    .split(/\r\n|\r|\n/)
    .map((line) => `<text:p>${lineXml(line)}</text:p>`)
    .join('');
}

function lineXml(line: string): string {
  return escapeXml(line)
    .replace(/^ /, '<text:s/>')
    .replace(/ {2,}/g, (run) => ` <text:s text:c="${run.length - 1}"/>`)
    .replace(/ $/, '<text:s/>');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
