import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';

/** Raised at start-up when the environment does not describe a runnable service. */
export class ConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

/**
 * Reads a service's configuration from environment variables into a class whose properties
 * are named like the variables and decorated with class-validator rules. Every problem is
 * reported at once, each naming its variable, so a bad deployment fails at start-up and not
 * at the first request.
 */
export function loadConfig<T extends object>(
  schema: new () => T,
  env: Readonly<Record<string, string | undefined>> = process.env,
): T {
  const config = plainToInstance(schema, { ...env }, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false, forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigurationError(errors.map((error) => describe(error, env[error.property])));
  const problems = hasCrossChecks(config) ? config.configurationProblems() : [];
  if (problems.length > 0) throw new ConfigurationError(problems);
  return config;
}

/** A configuration class with rules that span several variables (e.g. what production requires). */
interface CrossChecked {
  configurationProblems(): string[];
}

function hasCrossChecks(config: object): config is CrossChecked {
  return typeof (config as Partial<CrossChecked>).configurationProblems === 'function';
}

/** Secrets never reach a log line, not even a wrong one (it may be the right one with a typo). */
const SECRET_VARIABLE = /SECRET|KEY|PASSWORD|TOKEN|CREDENTIAL/i;

/** Names the variable, the rules it breaks and the raw text it had (not the converted value). */
function describe(error: ValidationError, raw: string | undefined): string {
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  const value = raw === undefined ? 'it is not set' : SECRET_VARIABLE.test(error.property) ? 'value not shown' : `got "${raw}"`;
  return `${error.property}: ${reasons} (${value})`;
}
