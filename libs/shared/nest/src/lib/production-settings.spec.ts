import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError, loadConfig } from './config';
import { ServiceConfig } from './service-config';
import { ServiceTokenConfig } from './service-token-config';

class AnyServiceConfig extends ServiceConfig {
  override PORT: number = 3999;
}

class CallingServiceConfig extends ServiceTokenConfig {
  override PORT: number = 3999;
}

/** The defaults of deploy/local/local.env, as `npm start` would use them. */
function localEnvDefault(name: string): string {
  const text = readFileSync(join(__dirname, '../../../../../deploy/local/local.env'), 'utf8');
  const match = new RegExp(`^${name}=\\$\\{${name}:-([^}]*)\\}`, 'm').exec(text);
  if (!match) throw new Error(`${name} has no default in local.env`);
  return match[1];
}

const production = {
  NODE_ENV: 'production',
  MONGO_URL: 'mongodb://mongo:27017/salon',
  KAFKA_BROKERS: 'kafka:9092',
  JWT_SECRET: randomBytes(48).toString('base64'),
  JWT_ISSUER: 'https://id.example.com/',
  JWT_AUDIENCE: 'salon-client-base',
  MASTER_KEY: randomBytes(32).toString('base64'),
};

function problemsOf(env: Record<string, string | undefined>, schema: new () => ServiceConfig = AnyServiceConfig): string[] {
  try {
    loadConfig(schema, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigurationError) return [...error.problems];
    throw error;
  }
}

describe('a production start', () => {
  it('accepts operator-generated secrets with an issuer and an audience', () => {
    expect(problemsOf(production)).toEqual([]);
  });

  it.each([
    ['the development JWT_SECRET of local.env', { JWT_SECRET: localEnvDefault('JWT_SECRET') }, 'JWT_SECRET: is a development value'],
    ['the development MASTER_KEY of local.env', { MASTER_KEY: localEnvDefault('MASTER_KEY') }, 'MASTER_KEY: is a development value'],
    ['a short JWT_SECRET', { JWT_SECRET: 'x'.repeat(40) }, 'JWT_SECRET: must be at least 64 characters'],
    ['a hand-made MASTER_KEY', { MASTER_KEY: Buffer.alloc(32, 7).toString('base64') }, 'MASTER_KEY: does not look random'],
    ['no JWT_ISSUER', { JWT_ISSUER: undefined }, 'JWT_ISSUER: is required in production'],
    ['no JWT_AUDIENCE', { JWT_AUDIENCE: undefined }, 'JWT_AUDIENCE: is required in production'],
    ['a JWKS over http', { JWT_SECRET: undefined, JWT_JWKS_URL: 'http://id.example.com/jwks' }, 'JWT_JWKS_URL: must be an https:// URL'],
  ])('refuses %s, naming the variable', (_, change, problem) => {
    expect(problemsOf({ ...production, ...change })).toEqual([expect.stringContaining(problem)]);
  });

  it('does not refuse development values outside production', () => {
    const development = { ...production, NODE_ENV: undefined, JWT_SECRET: localEnvDefault('JWT_SECRET'), JWT_ISSUER: undefined };
    expect(problemsOf(development)).toEqual([]);
  });

  describe('of a service that calls or is called by another (SERVICE_TOKEN_SECRET)', () => {
    const calling = { ...production, SERVICE_TOKEN_SECRET: randomBytes(48).toString('base64') };

    it('accepts an operator-generated secret of its own', () => {
      expect(problemsOf(calling, CallingServiceConfig)).toEqual([]);
    });

    it.each([
      ['the development value of local.env', { SERVICE_TOKEN_SECRET: localEnvDefault('SERVICE_TOKEN_SECRET') }, 'SERVICE_TOKEN_SECRET: is a development value'],
      ['a short one', { SERVICE_TOKEN_SECRET: 'y'.repeat(40) }, 'SERVICE_TOKEN_SECRET: must be at least 64 characters'],
      ['the users’ JWT_SECRET', { SERVICE_TOKEN_SECRET: production.JWT_SECRET }, 'SERVICE_TOKEN_SECRET: must differ from JWT_SECRET'],
    ])('refuses %s, naming the variable', (_, change, problem) => {
      expect(problemsOf({ ...calling, ...change }, CallingServiceConfig)).toEqual([expect.stringContaining(problem)]);
    });

    it('does not start without one, in any mode', () => {
      expect(problemsOf({ ...calling, NODE_ENV: undefined, SERVICE_TOKEN_SECRET: undefined }, CallingServiceConfig)).toEqual([
        expect.stringContaining('SERVICE_TOKEN_SECRET'),
      ]);
    });
  });

  it('never shows a secret’s value when it is refused', () => {
    const [problem] = problemsOf({ ...production, MASTER_KEY: 'my-secret-master-key' });
    expect(problem).toContain('MASTER_KEY');
    expect(problem).not.toContain('my-secret-master-key');
  });
});
