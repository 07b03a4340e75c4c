import { GuardedZip, asCorrupt } from '../zip/guarded-zip';
import { RowLimiter, type ReadLimits, type SheetRow } from '../sheet';
import { OdsContentParser } from './ods-content-parser';

/**
 * Streams the first table of an OpenDocument spreadsheet: content.xml is inflated and parsed
 * chunk by chunk, so memory stays flat whatever the sheet's size. A repeated non-empty row is
 * yielded once per repetition (each is a real row the user sees) when they all fit in maxRows;
 * a longer run (a value filled down to row 1,048,576) is refused before the first copy.
 */
export async function* readOdsSheet(path: string, limits: ReadLimits): AsyncGenerator<SheetRow> {
  const zip = await GuardedZip.open(path, limits);
  try {
    const content = await zip.openEntry('content.xml');
    const parser = new OdsContentParser(limits);
    const limiter = new RowLimiter(limits);
    const decoder = new TextDecoder('utf-8');
    try {
      for await (const chunk of content) {
        parser.write(decoder.decode(chunk as Buffer, { stream: true }));
        yield* rowsOf(parser, limiter);
        if (parser.done) break;
      }
      if (!parser.done) {
        parser.write(decoder.decode());
        parser.end();
        yield* rowsOf(parser, limiter);
      }
    } catch (error) {
      throw asCorrupt(error, 'content.xml cannot be read');
    } finally {
      content.destroy();
    }
  } finally {
    zip.close();
  }
}

function* rowsOf(parser: OdsContentParser, limiter: RowLimiter): Generator<SheetRow> {
  for (const run of parser.take()) {
    // A non-empty row repeated beyond the limit is refused before any copy is yielded.
    if (run.repeat > 1) limiter.checkRoomFor(run.repeat);
    for (let i = 0; i < run.repeat; i++) {
      const row = limiter.accept(run.number + i, run.cells);
      if (row) yield row;
    }
  }
}
