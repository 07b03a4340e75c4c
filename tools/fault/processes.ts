/**
 * The processes the fault test kills: the three services, run as real child processes exactly as
 * `npm start` runs them (deploy/local/run.sh), and the local Kafka broker of deploy/local/kafka,
 * killed by the pid its scripts keep and restarted by those same scripts.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const REPO_ROOT = join(__dirname, '../..');

export type ServiceName = 'clients-service' | 'visits-service' | 'consent-service';

/** The last lines of a log file, for a failure message (service logs hold no personal data). */
export function logTail(file: string, lines = 20): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Polls `probe` every `intervalMs` until it is true (resolves true) or `timeoutMs` passed (false). */
export async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
}

/** Like waitFor, but a timeout is an error naming `what`; a probe that throws counts as false. */
export async function pollUntil(probe: () => Promise<boolean>, what: string, timeoutMs: number, intervalMs = 250): Promise<void> {
  let lastError: unknown;
  const done = await waitFor(() => probe().catch((error: unknown) => ((lastError = error), false)), timeoutMs, intervalMs);
  if (!done) {
    const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
    throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${cause}`);
  }
}

/** An exit nobody asked for: the service died by itself. */
export interface Crash {
  readonly at: Date;
  readonly code: number | null;
  readonly signal: string | null;
}

/**
 * One service: `node -r @swc-node/register apps/<name>/src/main.ts`, its output appended to its
 * log. A service that dies by itself is recorded as a crash and started again a second later, as
 * an orchestrator would, so the run goes on and shows what the crash cost.
 */
export class ServiceProcess {
  readonly crashes: Crash[] = [];
  private child?: ChildProcess;
  private exited: Promise<void> = Promise.resolve();
  private exitExpected = false;
  private retired = false;

  constructor(
    readonly name: ServiceName,
    readonly port: number,
    private readonly env: Readonly<Record<string, string>>,
    readonly logFile: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    this.exitExpected = false;
    appendFileSync(this.logFile, `=== fault test: start ${this.name} ${new Date().toISOString()} ===\n`);
    const log = openSync(this.logFile, 'a');
    try {
      const child = spawn(process.execPath, ['-r', '@swc-node/register', `apps/${this.name}/src/main.ts`], {
        cwd: REPO_ROOT,
        env: { ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
        stdio: ['ignore', log, log],
      });
      this.child = child;
      this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
      child.once('exit', (code, signal) => {
        if (this.exitExpected) return;
        this.crashes.push({ at: new Date(), code, signal });
        appendFileSync(this.logFile, `=== fault test: ${this.name} exited by itself (code ${code}, signal ${signal}); starting it again ===\n`);
        setTimeout(() => this.retired || this.running || this.start(), 1_000);
      });
    } finally {
      closeSync(log);
    }
  }

  /** Resolves once `/health/ready` answers 200 (a crashed service is started again meanwhile). */
  async waitReady(timeoutMs: number): Promise<void> {
    const ready = await waitFor(async () => {
      const response = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
      await response?.body?.cancel();
      return response?.status === 200;
    }, timeoutMs);
    if (!ready) {
      throw new Error(`${this.name} did not answer 200 on /health/ready within ${timeoutMs / 1_000} s; the end of ${this.logFile}:\n${logTail(this.logFile)}`);
    }
  }

  /** The crash: SIGKILL, no shutdown hook runs. */
  async kill9(): Promise<void> {
    this.exitExpected = true;
    appendFileSync(this.logFile, `=== fault test: kill -9 ${this.name} ${new Date().toISOString()} ===\n`);
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** A clean stop (SIGTERM, then SIGKILL after `timeoutMs`); says which it took. */
  async stop(timeoutMs = 15_000): Promise<string> {
    this.retired = true;
    this.exitExpected = true;
    if (!this.running) return `${this.name} was not running`;
    const started = Date.now();
    this.child?.kill('SIGTERM');
    const stopped = await Promise.race([this.exited.then(() => true), sleep(timeoutMs, false)]);
    if (stopped) return `${this.name} stopped ${((Date.now() - started) / 1_000).toFixed(1)} s after SIGTERM`;
    await this.kill9();
    return `${this.name} still running ${timeoutMs / 1_000} s after SIGTERM: killed`;
  }

  /** For the process's `exit` handler, which cannot wait: nothing may outlive the fault test. */
  killNow(): void {
    this.retired = true;
    this.exitExpected = true;
    if (this.running) this.child?.kill('SIGKILL');
  }
}

/**
 * The broker of deploy/local/kafka/kafka.sh under LOCAL_DIR. Killed by the pid in
 * $LOCAL_DIR/run/kafka.pid (checked against /proc, as kafka.sh does, so no other broker is ever
 * hit) and restarted with kafka_start + kafka_wait_ready, as infra.sh starts it: same
 * LOCAL_DIR, ports, config and data.
 */
export class LocalBroker {
  readonly name = 'kafka';

  constructor(
    private readonly localDir: string,
    private readonly env: Readonly<Record<string, string>>,
    private readonly logFile: string,
  ) {}

  /**
   * kafka_start renders the config from KAFKA_PORT / KAFKA_CONTROLLER_PORT: with other values than
   * the running broker's, a restart would move it. And the broker killed must be the one used.
   */
  checkMatches(brokers: readonly string[]): void {
    const config = join(this.localDir, 'kafka/server.properties');
    const listeners = existsSync(config) ? /^listeners=(.*)$/m.exec(readFileSync(config, 'utf8'))?.[1] : undefined;
    const expected = `PLAINTEXT://127.0.0.1:${this.env.KAFKA_PORT ?? '19092'},CONTROLLER://127.0.0.1:${this.env.KAFKA_CONTROLLER_PORT ?? '19093'}`;
    if (listeners !== expected) {
      throw new Error(`the broker of ${this.localDir} listens on ${listeners ?? '(no config)'}, not ${expected}: set LOCAL_DIR, KAFKA_PORT and KAFKA_CONTROLLER_PORT as for infra.sh`);
    }
    if (brokers.join(',') !== `127.0.0.1:${this.env.KAFKA_PORT ?? '19092'}`) {
      throw new Error(`KAFKA_BROKERS (${brokers.join(',')}) is not the broker of ${this.localDir} (127.0.0.1:${this.env.KAFKA_PORT ?? '19092'})`);
    }
  }

  /** The broker's pid, if it runs: the one kafka.sh started with this LOCAL_DIR's config. */
  pid(): number | undefined {
    const pidFile = join(this.localDir, 'run/kafka.pid');
    if (!existsSync(pidFile)) return undefined;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    const cmdline = readProcCmdline(pid);
    return cmdline?.includes(` kafka.Kafka ${join(this.localDir, 'kafka/server.properties')} `) ? pid : undefined;
  }

  async kill9(): Promise<void> {
    const pid = this.pid();
    if (pid === undefined) throw new Error(`no broker of ${this.localDir} is running`);
    appendFileSync(this.logFile, `=== fault test: kill -9 kafka (pid ${pid}) ${new Date().toISOString()} ===\n`);
    process.kill(pid, 'SIGKILL');
    // Not our child: init reaps it. Wait until the pid is gone (or a zombie, whose cmdline is
    // empty) so that the ports are free again.
    await pollUntil(async () => !readProcCmdline(pid), `kafka pid ${pid} to exit`, 10_000, 100);
    // The cmdline goes with the process's memory, before its sockets are closed: a restart in
    // between finds the ports still taken (seen once). Wait until both refuse connections.
    const ports = [this.env.KAFKA_PORT ?? '19092', this.env.KAFKA_CONTROLLER_PORT ?? '19093'].map(Number);
    await pollUntil(async () => !(await Promise.all(ports.map(portAnswers))).some(Boolean), `kafka's ports to be free`, 10_000, 100);
  }

  /** kafka_start, then kafka_wait_ready (which asks the broker for real, not just its port). */
  async restart(): Promise<void> {
    const script = [
      'set -euo pipefail',
      'source "$REPO_ROOT/deploy/local/lib/processes.sh"',
      'source "$REPO_ROOT/deploy/local/kafka/kafka.sh"',
      'kafka_start',
      'kafka_wait_ready',
    ].join('\n');
    const log = openSync(this.logFile, 'a');
    try {
      const child = spawn('bash', ['-c', script], {
        cwd: REPO_ROOT,
        env: { ...this.env, REPO_ROOT, LOCAL_DIR: this.localDir },
        stdio: ['ignore', log, log],
      });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      if (code !== 0) throw new Error(`restarting kafka failed (exit ${code}); the end of ${this.logFile}:\n${logTail(this.logFile)}`);
    } finally {
      closeSync(log);
    }
  }
}

function readProcCmdline(pid: number): string | undefined {
  try {
    return `${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`;
  } catch {
    return undefined;
  }
}

/** Something listens there (another service, another run, a process still exiting). */
export function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
