/**
 * Small helpers shared by the benchmarks of `npm run bench`: options from the command line or
 * the environment, progress lines on stderr, Markdown tables, machine facts and a cleanup stack
 * that runs even when a benchmark fails. Results go to stdout, everything else to stderr.
 */
import { cpus, freemem, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

export interface OptionSpec {
  /** Environment variable that sets the option (the command line wins). */
  readonly env: string;
  readonly default: number;
  readonly description: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;
export type Options<S extends OptionSpecs> = { readonly [K in keyof S]: number };

/**
 * A benchmark of `npm run bench`: it returns Markdown for stdout and logs progress to stderr.
 * `valid` is false when its own checks failed (the numbers then mean nothing); a missed
 * performance target is part of the report, not a failure.
 */
export interface Benchmark<S extends OptionSpecs = OptionSpecs> {
  readonly name: string;
  readonly description: string;
  readonly options: S;
  run(options: Options<S>, cleanup: Cleanup): Promise<{ markdown: string; valid: boolean }>;
}

/** `--kebab-name value` or `--kebab-name=value` on the command line, else the env variable, else the default. */
/** `--name value` and `--name=value` pairs of a benchmark's command line. */
export function parseCli(argv: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) throw new Error(`unexpected argument ${argv[i]}; try --help`);
    const [name, inline] = argv[i].slice(2).split('=', 2);
    options.set(name, inline ?? argv[++i]);
  }
  return options;
}

export function resolveOptions<S extends OptionSpecs>(specs: S, cli: ReadonlyMap<string, string>): Options<S> {
  const result: Record<string, number> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = cli.get(name) ?? process.env[spec.env];
    const value = raw === undefined || raw === '' ? spec.default : Number(raw.replace(/_/g, ''));
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} (${spec.env}) must be a non-negative number, got "${raw}"`);
    result[name] = value;
  }
  return result as Options<S>;
}

export function describeOptions(specs: OptionSpecs): string {
  return Object.entries(specs)
    .map(([name, spec]) => `  --${name.padEnd(22)} ${spec.env.padEnd(26)} default ${String(spec.default).padEnd(7)} ${spec.description}`)
    .join('\n');
}

const started = performance.now();
let progressLabel = 'bench';

/** Names the tool on progress lines (other tools reuse these helpers: the fault test). */
export function setProgressLabel(label: string): void {
  progressLabel = label;
}

/** A progress line on stderr, with the seconds since the start of the process. */
export function progress(message: string): void {
  process.stderr.write(`[${progressLabel} +${((performance.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}\n`);
}

/** Prints `describe()` on stderr every `everyMs` until the returned function is called. */
export function ticker(describe: () => string, everyMs = 1_000): () => void {
  const timer = setInterval(() => progress(describe()), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Polls until `done()` is true; fails with `what` after `timeoutMs` or when `failed` rejects. */
export async function waitUntil(
  done: () => boolean,
  what: string,
  { timeoutMs, intervalMs = 2, failed }: { timeoutMs: number; intervalMs?: number; failed?: Promise<unknown> },
): Promise<void> {
  let failure: unknown;
  let hasFailed = false;
  void failed?.then(
    () => undefined,
    (error: unknown) => {
      failure = error;
      hasFailed = true;
    },
  );
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (hasFailed) throw new Error(`failed while waiting for ${what}: ${String(failure)}`);
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Cleanup steps, run last-in first-out; each failure is logged and the rest still run. */
export class Cleanup {
  private readonly steps: { label: string; step: () => Promise<unknown> | unknown }[] = [];

  add(label: string, step: () => Promise<unknown> | unknown): void {
    this.steps.push({ label, step });
  }

  async run(timeoutMs = 15_000): Promise<boolean> {
    let ok = true;
    while (this.steps.length > 0) {
      const { label, step } = this.steps.pop()!;
      try {
        await Promise.race([
          Promise.resolve().then(step),
          sleep(timeoutMs, undefined, { ref: false }).then(() => {
            throw new Error(`timed out after ${timeoutMs} ms`);
          }),
        ]);
        progress(`cleanup: ${label}`);
      } catch (error) {
        ok = false;
        progress(`cleanup: ${label} FAILED: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return ok;
  }
}

export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(escape).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export function machineFacts(): Record<string, string> {
  const cpuList = cpus();
  return {
    cores: String(cpuList.length),
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    memory: `${gib(totalmem())} GiB (${gib(freemem())} GiB free at start)`,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

const gib = (bytes: number) => (bytes / 1024 ** 3).toFixed(1);

export function formatRate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

export function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

export function bulletList(facts: Readonly<Record<string, string | number>>): string {
  return Object.entries(facts)
    .map(([key, value]) => `- ${key}: ${value}`)
    .join('\n');
}
