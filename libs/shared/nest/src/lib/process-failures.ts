import { writeSync } from 'node:fs';

let installed = false;

/**
 * The last line of defence of a service process. Every worker handles its own failures (the
 * relay resubscribes, consumers restart, follow-ups retry), so a promise rejected with nobody to
 * hear it, or an exception thrown from a callback, is a bug whose state nobody knows. The process
 * then logs it as one JSON line and exits with code 1 at once, so the orchestrator starts a
 * fresh one (`restart:` in compose, the liveness probe in the chart), rather than going on
 * half-broken or dying with Node's bare default message. Installed once, by `runService`.
 */
export function exitOnUnhandledFailure(service: string): void {
  if (installed) return;
  installed = true;
  const exitWith = (kind: string) => (reason: unknown) => {
    const error = reason instanceof Error ? reason : undefined;
    const line = {
      time: new Date().toISOString(),
      level: 'fatal',
      service,
      context: 'process',
      // Error messages name ids, codes and servers, never personal data (see JsonLogger).
      msg: `${kind}, exiting: ${error ? `${error.name}: ${error.message}` : String(reason)}`,
      stack: error?.stack,
    };
    // Written synchronously: process.exit does not wait for a pending write to a pipe.
    writeSync(process.stdout.fd, `${JSON.stringify(line)}\n`);
    process.exit(1);
  };
  process.on('unhandledRejection', exitWith('unhandled rejection'));
  process.on('uncaughtException', exitWith('uncaught exception'));
}
