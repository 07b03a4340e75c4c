import { LoggerService, LogLevel } from '@nestjs/common';
import { currentRequestContext } from './request-context';

const LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * One JSON object per line on stdout, with the correlation id of the request being served.
 * Callers log ids and event types only: payloads may carry personal data and never go to logs.
 */
export class JsonLogger implements LoggerService {
  private enabled: ReadonlySet<LogLevel>;

  constructor(
    private readonly service: string,
    level: LogLevel = 'log',
  ) {
    this.enabled = new Set(LEVELS.slice(0, LEVELS.indexOf(level) + 1));
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }
  setLogLevels(levels: LogLevel[]): void {
    this.enabled = new Set(levels);
  }

  private write(level: LogLevel, message: unknown, rest: unknown[]): void {
    if (!this.enabled.has(level)) return;
    // Nest passes the context as the last extra argument, and a stack before it for errors.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    const line = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      context,
      correlationId: currentRequestContext()?.correlationId,
      msg: message instanceof Error ? message.message : message,
      stack: message instanceof Error ? message.stack : stack,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}
