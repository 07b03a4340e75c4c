/** Separators a spreadsheet program writes: ',' (English), ';' (Polish, where ',' is the decimal mark), TAB. */
export type CsvDelimiter = ',' | ';' | '\t';

const CANDIDATES: readonly CsvDelimiter[] = [',', ';', '\t'];
const LINES_TO_SAMPLE = 20;

/**
 * The delimiter of a csv from its first lines, counting separators outside quotes only (a
 * quoted "Kowalska, Anna" must not vote for ','). The header line decides; the following
 * lines break a tie. ',' when nothing separates anything (a one-column file).
 */
export function sniffCsvDelimiter(sample: string): CsvDelimiter {
  const lines = countPerLine(sample);
  let best: CsvDelimiter = ',';
  let bestScore: readonly [number, number] = [0, 0];
  for (const candidate of CANDIDATES) {
    const header = lines[0]?.[candidate] ?? 0;
    const total = lines.reduce((sum, line) => sum + line[candidate], 0);
    if (header > bestScore[0] || (header === bestScore[0] && total > bestScore[1])) {
      best = candidate;
      bestScore = [header, total];
    }
  }
  return best;
}

function countPerLine(sample: string): Record<CsvDelimiter, number>[] {
  const lines: Record<CsvDelimiter, number>[] = [];
  let current = emptyCounts();
  let inQuotes = false;
  for (let i = 0; i < sample.length && lines.length < LINES_TO_SAMPLE; i++) {
    const char = sample[i];
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (char === '\n' || char === '\r')) {
      if (char === '\r' && sample[i + 1] === '\n') i++;
      lines.push(current);
      current = emptyCounts();
    } else if (!inQuotes && (char === ',' || char === ';' || char === '\t')) current[char]++;
  }
  if (lines.length < LINES_TO_SAMPLE) lines.push(current);
  return lines;
}

function emptyCounts(): Record<CsvDelimiter, number> {
  return { ',': 0, ';': 0, '\t': 0 };
}
