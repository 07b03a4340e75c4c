/**
 * `npm run bench [-- [name ...] [--option value ...]]`: runs the named benchmarks (all by
 * default) against the local servers and prints their Markdown reports on stdout; progress
 * goes to stderr. `npm run bench -- --help` lists the benchmarks and their options.
 *
 * To add a benchmark, export a `Benchmark` (see support.ts) and list it in BENCHMARKS.
 */
import { Logger, LoggerService } from '@nestjs/common';
import { rateLimit } from './rate-limit';
import { relayAndProjection } from './relay-and-projection';
import { Benchmark, Cleanup, bulletList, describeOptions, machineFacts, progress, resolveOptions } from './support';

const BENCHMARKS: readonly Benchmark[] = [relayAndProjection, rateLimit];

/** Library loggers (Nest) go to stderr, so that stdout holds only the report. */
class StderrLogger implements LoggerService {
  log(message: unknown, context?: string) {
    this.write('log', message, context);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest.at(-1));
  }
  warn(message: unknown, context?: string) {
    this.write('warn', message, context);
  }
  private write(level: string, message: unknown, context: unknown) {
    const text = message instanceof Error ? (message.stack ?? message.message) : String(message);
    progress(`${level} ${typeof context === 'string' ? `[${context}] ` : ''}${text}`);
  }
}

function parseArguments(argv: readonly string[]): { names: string[]; options: Map<string, string>; help: boolean } {
  const names: string[] = [];
  const options = new Map<string, string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--help' || argument === '-h') help = true;
    else if (argument.startsWith('--')) {
      const [name, inline] = argument.slice(2).split('=', 2);
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`${argument} needs a value`);
      options.set(name, value);
    } else names.push(argument);
  }
  return { names, options, help };
}

async function main(): Promise<number> {
  const { names, options, help } = parseArguments(process.argv.slice(2));
  if (help) {
    for (const benchmark of BENCHMARKS) {
      process.stdout.write(`${benchmark.name}: ${benchmark.description}\n${describeOptions(benchmark.options)}\n\n`);
    }
    return 0;
  }
  const unknownNames = names.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknownNames.length > 0) throw new Error(`unknown benchmark(s): ${unknownNames.join(', ')}; try --help`);
  const selected = names.length > 0 ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS;
  const known = new Set(selected.flatMap((b) => Object.keys(b.options)));
  const unknownOptions = [...options.keys()].filter((name) => !known.has(name));
  if (unknownOptions.length > 0) throw new Error(`unknown option(s): ${unknownOptions.map((o) => `--${o}`).join(', ')}; try --help`);

  Logger.overrideLogger(new StderrLogger());
  process.stdout.write(`# Benchmarks\n\nMachine:\n${bulletList(machineFacts())}\n`);

  let exitCode = 0;
  for (const benchmark of selected) {
    const resolved = resolveOptions(benchmark.options, options);
    const cleanup = new Cleanup();
    const interrupted = () => {
      progress('interrupted: cleaning up');
      void cleanup.run().finally(() => process.exit(130));
    };
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
    progress(`${benchmark.name}: starting`);
    try {
      const { markdown, valid } = await benchmark.run(resolved, cleanup);
      process.stdout.write(`\n${markdown}\n`);
      if (!valid) {
        exitCode = 1;
        progress(`${benchmark.name}: its checks failed, see the report`);
      }
    } catch (error) {
      exitCode = 1;
      progress(`${benchmark.name} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    } finally {
      if (!(await cleanup.run())) exitCode = 1;
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
    }
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    progress(error instanceof Error ? error.message : String(error));
    process.exit(2);
  },
);
