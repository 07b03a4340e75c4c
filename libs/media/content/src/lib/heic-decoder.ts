import { Worker } from 'node:worker_threads';
import { MAX_PHOTO_PIXELS } from './photo-content';
import { PhotoContentRefused } from './photo-content-refused';

/** RGBA pixels of a HEIC's primary image, decoded by libheif (WASM) off the main thread. */
export interface DecodedHeic {
  readonly width: number;
  readonly height: number;
  readonly rgba: Buffer;
  /** Every alpha byte is 255: the photo can drop its alpha channel. */
  readonly opaque: boolean;
}

type WorkerAnswer =
  | { readonly id: number; readonly width: number; readonly height: number; readonly opaque: boolean; readonly pixels: ArrayBuffer }
  | { readonly id: number; readonly failure: 'too-many-pixels' | 'corrupt' };

/**
 * Runs in the worker. heic-decode's `all` reads the file's boxes and reports each image's size
 * before any HEVC data is decoded, so a small file declaring 400 MP is refused for the price of
 * parsing its header. The alpha scan happens here too, to keep it off the event loop.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const heicDecode = require(workerData.heicDecodePath);
parentPort.on('message', async ({ id, bytes, maxPixels }) => {
  let images;
  try {
    images = await heicDecode.all({ buffer: new Uint8Array(bytes) });
  } catch {
    parentPort.postMessage({ id, failure: 'corrupt' });
    return;
  }
  try {
    const primary = images[0];
    if (!primary || !(primary.width > 0) || !(primary.height > 0)) {
      parentPort.postMessage({ id, failure: 'corrupt' });
      return;
    }
    if (primary.width * primary.height > maxPixels) {
      parentPort.postMessage({ id, failure: 'too-many-pixels' });
      return;
    }
    const { width, height, data } = await primary.decode();
    let opaque = true;
    for (let i = 3; i < data.length; i += 4) {
      if (data[i] !== 255) { opaque = false; break; }
    }
    parentPort.postMessage({ id, width, height, opaque, pixels: data.buffer }, [data.buffer]);
  } catch {
    parentPort.postMessage({ id, failure: 'corrupt' });
  } finally {
    images.dispose();
  }
});
`;

interface Job {
  readonly id: number;
  readonly bytes: Buffer;
  readonly resolve: (decoded: DecodedHeic) => void;
  readonly reject: (error: unknown) => void;
}

export interface HeicDecoderOptions {
  /** A decode still running after this is stopped (the worker is terminated) and refused. */
  readonly timeLimitMs: number;
  /** An idle worker is ended after this, so the WASM heap it grew is given back. */
  readonly idleMs: number;
  readonly maxPixels: number;
}

const corrupt = () => new PhotoContentRefused('corrupt-image', 'The photo could not be decoded: the image data is corrupt or truncated.');

/**
 * One worker thread, one decode at a time, in arrival order. libheif in WASM is single-threaded
 * and holds the whole image several times over (HEVC planes, RGBA), so running decodes side by
 * side would only multiply memory on a 2-core machine. A decode that overruns its time limit,
 * or a worker that dies (a WASM abort on a crafted file), costs that upload only: the next one
 * gets a fresh worker.
 */
export class HeicDecoder {
  private worker: Worker | null = null;
  private readonly queue: Job[] = [];
  private current: { job: Job; timer: NodeJS.Timeout } | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private nextId = 1;

  constructor(private readonly options: HeicDecoderOptions) {}

  decode(bytes: Buffer): Promise<DecodedHeic> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, bytes, resolve, reject });
      this.startNext();
    });
  }

  /** Ends the worker now (tests, shutdown); queued decodes are refused. */
  async close(): Promise<void> {
    const pending = [...(this.current ? [this.current.job] : []), ...this.queue.splice(0)];
    if (this.current) clearTimeout(this.current.timer);
    this.current = null;
    for (const job of pending) job.reject(corrupt());
    await this.endWorker();
  }

  private startNext(): void {
    if (this.current || this.queue.length === 0) return;
    const job = this.queue.shift() as Job;
    const worker = this.workerForNextJob();
    const timer = setTimeout(() => this.fail(job, corrupt(), true), this.options.timeLimitMs);
    this.current = { job, timer };
    // A copy the worker owns: the caller's Buffer may be a view into a larger pooled one.
    const bytes = new Uint8Array(job.bytes).buffer;
    worker.postMessage({ id: job.id, bytes, maxPixels: this.options.maxPixels }, [bytes]);
  }

  private workerForNextJob(): Worker {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.worker) {
      this.worker.ref();
      return this.worker;
    }
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { heicDecodePath: require.resolve('heic-decode') },
      // libheif prints its decoding errors to stdout; the refusal says all the caller needs.
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    worker.on('message', (answer: WorkerAnswer) => this.answered(answer));
    // A crash or an exit mid-decode refuses that decode; the worker is not reused.
    worker.on('error', () => this.workerLost(worker));
    worker.on('exit', () => this.workerLost(worker));
    this.worker = worker;
    return worker;
  }

  private answered(answer: WorkerAnswer): void {
    const current = this.current;
    if (!current || current.job.id !== answer.id) return;
    if ('failure' in answer) {
      this.fail(
        current.job,
        answer.failure === 'too-many-pixels'
          ? new PhotoContentRefused('too-many-pixels', `The photo has more pixels than the ${this.options.maxPixels / 1_000_000} megapixels accepted.`)
          : corrupt(),
        false,
      );
      return;
    }
    this.finish();
    current.job.resolve({ width: answer.width, height: answer.height, opaque: answer.opaque, rgba: Buffer.from(answer.pixels) });
  }

  private fail(job: Job, error: PhotoContentRefused, endWorker: boolean): void {
    if (this.current?.job !== job) return;
    if (endWorker) void this.endWorker();
    this.finish();
    job.reject(error);
  }

  private workerLost(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = null;
    if (this.current) this.fail(this.current.job, corrupt(), false);
  }

  private finish(): void {
    if (this.current) clearTimeout(this.current.timer);
    this.current = null;
    if (this.queue.length > 0) {
      this.startNext();
      return;
    }
    if (this.worker) {
      // Idle: the worker must not keep the process alive, and is ended after a while.
      this.worker.unref();
      this.idleTimer = setTimeout(() => void this.endWorker(), this.options.idleMs);
      this.idleTimer.unref();
    }
  }

  private async endWorker(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}

/**
 * The decoder preparePhoto uses. An 8 MP HEIC decodes in about 2 s on a 2-core machine; the time
 * limit leaves room for 40 MP on a busy one. WASM memory never shrinks (one 8 MP decode grows the
 * worker by ~190 MB), so a worker idle for 5 s is ended; back-to-back uploads still share one.
 */
export const heicDecoder = new HeicDecoder({ timeLimitMs: 30_000, idleMs: 5_000, maxPixels: MAX_PHOTO_PIXELS });
