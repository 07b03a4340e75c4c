import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { checkFileSize } from '../file-size';
import { RowLimiter, SpreadsheetError, type ReadLimits, type SheetRow } from '../sheet';
import { sniffCsvDelimiter } from './csv-delimiter';
import { sniffCsvEncoding, type CsvEncoding } from './csv-encoding';

const DELIMITER_SAMPLE_BYTES = 64 * 1024;
/** One record (a row with all its quoted line breaks) may not exceed this many characters: an unclosed quote ends here, not at the end of memory. */
const MAX_RECORD_CHARACTERS = 1024 * 1024;

/**
 * Streams the records of a csv file as rows of text cells (empty → null). Every record counts
 * as a row, empty lines too, so row numbers are the ones LibreOffice shows when it opens the file.
 */
export async function* readCsvSheet(path: string, limits: ReadLimits): AsyncGenerator<SheetRow> {
  await checkFileSize(path, limits);
  const encoding = await sniffCsvEncoding(path);
  const delimiter = sniffCsvDelimiter(await readDecodedSample(path, encoding));
  const parser = parse({
    delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    // A stray quote inside an unquoted field (`12" monitor`) is text, as in Excel.
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: MAX_RECORD_CHARACTERS,
  });
  const source = createReadStream(path);
  const decoded = source.pipe(decodingStream(encoding));
  source.on('error', (error) => decoded.destroy(error));
  decoded.on('error', (error) => parser.destroy(error));
  decoded.pipe(parser);
  const limiter = new RowLimiter(limits);
  let number = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      number++;
      // Line breaks inside a cell read as '\n', as the zip formats hold them.
      const row = limiter.accept(
        number,
        record.map((cell) => cell.replace(/\r\n?/g, '\n')),
      );
      if (row) yield row;
    }
  } catch (error) {
    if (error instanceof CsvError) throw new SpreadsheetError('corrupt-file', `the csv cannot be parsed (${error.code})`, { cause: error });
    throw error;
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/** Text in the file's encoding, decoded chunk by chunk (a multi-byte letter split across chunks stays whole); the BOM is dropped. */
function decodingStream(encoding: CsvEncoding): Transform {
  const decoder = new TextDecoder(encoding, { ignoreBOM: false });
  return new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, decoder.decode(chunk, { stream: true }));
    },
    flush(callback) {
      callback(null, decoder.decode());
    },
  });
}

async function readDecodedSample(path: string, encoding: CsvEncoding): Promise<string> {
  const decoder = new TextDecoder(encoding);
  let sample = '';
  for await (const chunk of createReadStream(path, { start: 0, end: DELIMITER_SAMPLE_BYTES - 1 })) {
    sample += decoder.decode(chunk as Buffer, { stream: true });
  }
  return sample;
}
