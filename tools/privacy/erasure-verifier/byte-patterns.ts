import { createReadStream } from 'node:fs';
import { PersonalValues, spellingsOf } from './personal-values';

/** Hits by value kind (never the value). */
export type Hits = Map<string, number>;

interface Pattern {
  readonly kind: string;
  readonly bytes: Buffer;
}

/**
 * The byte patterns of a client's values: every spelling (personal-values.ts) in UTF-8 and in
 * UTF-16LE (Java, and so the H2 engine under the local Mongo-compatible server, may keep strings
 * so), with ASCII letters folded to lower case. The scanned bytes are folded the same way, so an
 * ASCII value is found in any mix of cases; a fold can only add matches, never lose one.
 */
export class BytePatterns {
  private readonly patterns: Pattern[];
  /** The longest pattern: a chunked scan keeps this many bytes minus one from the previous chunk. */
  readonly longest: number;

  constructor(values: PersonalValues) {
    const seen = new Set<string>();
    this.patterns = [];
    for (const [kind, list] of values.values) {
      for (const value of list) {
        for (const spelling of spellingsOf(kind, value)) {
          for (const encoding of ['utf8', 'utf16le'] as const) {
            const bytes = foldAscii(Buffer.from(spelling, encoding));
            const key = `${kind}\u0000${bytes.toString('hex')}`;
            if (seen.has(key)) continue;
            seen.add(key);
            this.patterns.push({ kind, bytes });
          }
        }
      }
    }
    this.longest = Math.max(...this.patterns.map((pattern) => pattern.bytes.length));
  }

  /** Counts the occurrences in a buffer (left unchanged). */
  count(bytes: Buffer, hits: Hits = new Map()): Hits {
    this.countStartingAfter(foldAscii(Buffer.from(bytes)), 0, hits);
    return hits;
  }

  /**
   * Counts the occurrences in a file read in chunks (a Kafka segment or the H2 file may be large);
   * the last `longest - 1` bytes of a chunk are carried over, so a value across two chunks is found
   * once, and one inside the carried bytes is not counted twice.
   */
  async countInFile(path: string, hits: Hits = new Map()): Promise<{ bytes: number; hits: Hits }> {
    const carry = Math.max(0, this.longest - 1);
    let tail: Buffer = Buffer.alloc(0);
    let total = 0;
    for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 }) as AsyncIterable<Buffer>) {
      total += chunk.length;
      // Kafka preallocates its index files (10 MB of zeros each): a chunk of zeros can only end a
      // value begun in the carried bytes (a UTF-16LE one ends in a zero byte), so only its start is read.
      const zeros = isAllZeros(chunk);
      const window = foldAscii(Buffer.concat([tail, zeros ? chunk.subarray(0, carry) : chunk]));
      // A match wholly inside the carried tail was counted with the previous chunk.
      this.countStartingAfter(window, tail.length, hits);
      tail = zeros ? Buffer.alloc(Math.min(carry, chunk.length)) : window.subarray(Math.max(0, window.length - carry));
    }
    return { bytes: total, hits };
  }

  /**
   * One hit per place a kind's value ends: "+48601987654" and its spelling without "+" (or two
   * spellings of one name) found at one place count once.
   */
  private countStartingAfter(window: Buffer, carried: number, hits: Hits): void {
    const ends = new Map<string, Set<number>>();
    for (const { kind, bytes } of this.patterns) {
      const kindEnds = ends.get(kind) ?? new Set<number>();
      ends.set(kind, kindEnds);
      // Matches that end inside the carried bytes were seen before; the first new one ends after them.
      let at = window.indexOf(bytes, Math.max(0, carried - bytes.length + 1));
      while (at !== -1) {
        kindEnds.add(at + bytes.length);
        at = window.indexOf(bytes, at + 1);
      }
    }
    for (const [kind, kindEnds] of ends) if (kindEnds.size > 0) hits.set(kind, (hits.get(kind) ?? 0) + kindEnds.size);
  }
}

const ZEROS = Buffer.alloc(4 << 20);

function isAllZeros(chunk: Buffer): boolean {
  return chunk.length <= ZEROS.length && chunk.equals(ZEROS.subarray(0, chunk.length));
}

/** ASCII A–Z to a–z, in place. */
export function foldAscii(bytes: Buffer): Buffer {
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index] as number;
    if (byte >= 0x41 && byte <= 0x5a) bytes[index] = byte | 0x20;
  }
  return bytes;
}

export function addHits(into: Hits, from: Hits): void {
  for (const [kind, count] of from) into.set(kind, (into.get(kind) ?? 0) + count);
}
