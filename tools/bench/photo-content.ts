/**
 * `node -r @swc-node/register tools/bench/photo-content.ts [--runs 5]`: how long preparePhoto
 * (@salon/media/content: sniffing, re-encoding, both renditions) takes for the photos an upload
 * carries, and the process's peak memory (RSS, the HEIC worker thread included).
 *  - a 5 MB JPEG: noise rendered by sharp (noise compresses worst, so it is the slow case);
 *  - a 3 MB HEIC: fine grain over a gradient (a phone photo's pixel count at 3 MB) encoded to HEVC by libheif's `heif-enc` (x265) when it is installed
 *    (Debian/Ubuntu: libheif-examples); nothing on the npm registry encodes HEVC, so without it
 *    the committed 480×320 test fixture is measured instead, and the table says so.
 * Results (Markdown) go to stdout, progress to stderr.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp, { type Sharp } from 'sharp';
import { preparePhoto } from '@salon/media/content';

const MB = 1024 * 1024;
/** Grain amplitude of the HEIC input: full noise would make a 3 MB HEIC of only ~4 MP; this gives a phone-sized one. */
const HEIC_GRAIN = 24;

interface Case {
  readonly name: string;
  readonly bytes: Buffer;
  readonly declaredContentType: string;
}

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

/**
 * Deterministic noise (the same image every run), RGB: full-range noise by default; with a
 * smaller amplitude over a gradient it compresses like a photo (sensor grain over smooth areas).
 */
function noise(width: number, height: number, amplitude = 256): Sharp {
  const pixels = Buffer.alloc(width * height * 3);
  let state = 2024;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let channel = 0; channel < 3; channel++, i++) {
        state = (state * 1103515245 + 12345) >>> 0;
        const grain = ((state >>> 24) * amplitude) / 256;
        const gradient = amplitude >= 256 ? 0 : ((channel === 0 ? x / width : channel === 1 ? y / height : 1 - x / width) * (255 - amplitude));
        pixels[i] = Math.min(255, Math.round(gradient + grain));
      }
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

/** Grows a noise image until its encoding reaches the target size (bytes grow with the area). */
async function encodedNear(targetBytes: number, encode: (width: number, height: number) => Promise<Buffer>): Promise<Buffer> {
  let width = 1200;
  let bytes = await encode(width, (width * 3) / 4);
  for (let attempt = 0; attempt < 4 && Math.abs(bytes.length - targetBytes) > targetBytes * 0.05; attempt++) {
    width = Math.round((width * Math.sqrt(targetBytes / bytes.length)) / 4) * 4;
    bytes = await encode(width, (width * 3) / 4);
  }
  return bytes;
}

function heifEncAvailable(): boolean {
  try {
    execFileSync('heif-enc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // heif-enc exits non-zero on --version in some releases; only a missing binary counts.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

async function heicCase(): Promise<Case> {
  const cached = join(tmpdir(), 'salon-bench-photo-3mb-grain.heic');
  if (existsSync(cached)) return { name: '3 MB HEIC (HEVC, heif-enc)', bytes: readFileSync(cached), declaredContentType: 'image/heic' };
  if (!heifEncAvailable()) {
    const fixture = readFileSync(join(__dirname, '../../libs/media/content/src/test/fixtures/photo-480x320.heic'));
    return { name: 'HEIC fixture 480×320 (heif-enc missing: no 3 MB HEIC)', bytes: fixture, declaredContentType: 'image/heic' };
  }
  const work = mkdtempSync(join(tmpdir(), 'salon-bench-heic-'));
  try {
    process.stderr.write('encoding a 3 MB HEIC with heif-enc (x265), once; cached in the temp directory…\n');
    const bytes = await encodedNear(3 * MB, async (width, height) => {
      const source = join(work, 'noise.png');
      const output = join(work, 'noise.heic');
      writeFileSync(source, await noise(width, height, HEIC_GRAIN).png().toBuffer());
      execFileSync('heif-enc', ['--no-alpha', '-q', '60', '-e', 'x265', '-o', output, source], { stdio: 'ignore' });
      return readFileSync(output);
    });
    writeFileSync(cached, bytes);
    return { name: '3 MB HEIC (HEVC, heif-enc)', bytes, declaredContentType: 'image/heic' };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

async function main(): Promise<void> {
  const runs = argument('runs', 5);
  process.stderr.write('generating the inputs…\n');
  const jpeg = await encodedNear(5 * MB, (width, height) => noise(width, height).jpeg({ quality: 92 }).toBuffer());
  const cases: Case[] = [{ name: '5 MB JPEG (noise)', bytes: jpeg, declaredContentType: 'image/jpeg' }, await heicCase()];

  const rows: string[] = [];
  for (const photoCase of cases) {
    const rssBefore = peakRssMb();
    const timings: number[] = [];
    let prepared = { width: 0, height: 0 };
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      const photo = await preparePhoto({ bytes: photoCase.bytes, declaredContentType: photoCase.declaredContentType });
      timings.push(performance.now() - started);
      prepared = { width: photo.width, height: photo.height };
      process.stderr.write(`${photoCase.name}: run ${run + 1}/${runs} ${timings[run].toFixed(0)} ms\n`);
    }
    rows.push(
      `| ${photoCase.name} | ${(photoCase.bytes.length / MB).toFixed(2)} MB | ${prepared.width}×${prepared.height} | ${runs} | ` +
        `${median(timings).toFixed(0)} | ${Math.min(...timings).toFixed(0)} | ${Math.max(...timings).toFixed(0)} | ` +
        `${rssBefore.toFixed(0)} → ${peakRssMb().toFixed(0)} |`,
    );
  }

  process.stdout.write(
    [
      `preparePhoto on Node ${process.version}, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}), ${runs} runs each`,
      '',
      '| photo | bytes | pixels | runs | median ms | min ms | max ms | peak RSS MB (before → after) |',
      '|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
