import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError, loadConfig } from '@salon/shared/nest';
import { TEST_PHONE_RESERVATION_KEYS } from '@salon/shared/testing';
import { ClientsServiceConfig } from './config';

/** The default of deploy/local/local.env, as `npm start` would use it. */
function localEnvDefault(name: string): string {
  const text = readFileSync(join(__dirname, '../../../deploy/local/local.env'), 'utf8');
  const match = new RegExp(`^${name}=\\$\\{${name}:-([^}]*)\\}`, 'm').exec(text);
  if (!match) throw new Error(`${name} has no default in local.env`);
  return match[1];
}

const randomKey = () => randomBytes(32).toString('base64');

const production: Record<string, string | undefined> = {
  NODE_ENV: 'production',
  MONGO_URL: 'mongodb://mongo:27017/salon',
  KAFKA_BROKERS: 'kafka:9092',
  JWT_SECRET: randomBytes(48).toString('base64'),
  SERVICE_TOKEN_SECRET: randomBytes(48).toString('base64'),
  JWT_ISSUER: 'https://id.example.com/',
  JWT_AUDIENCE: 'salon-client-base',
  MASTER_KEY: randomKey(),
  PHONE_RESERVATION_KEYS: `k2:${randomKey()},k1:${randomKey()}`,
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(ClientsServiceConfig, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigurationError) return [...error.problems];
    throw error;
  }
}

describe('PHONE_RESERVATION_KEYS of the clients service', () => {
  it('accepts random keys in production, current first', () => {
    expect(problemsOf(production)).toEqual([]);
  });

  it.each([
    ['the development key of local.env', localEnvDefault('PHONE_RESERVATION_KEYS'), 'is a development value published in this repository (key "dev1")'],
    ['the tests’ key', TEST_PHONE_RESERVATION_KEYS, 'is a development value published in this repository (key "t1")'],
    ['a hand-made previous key', `k2:${randomKey()},k1:${Buffer.alloc(32, 7).toString('base64')}`, 'does not look random (key "k1"'],
  ])('refuses %s in production, naming the variable and the key id', (_, keys, problem) => {
    expect(problemsOf({ ...production, PHONE_RESERVATION_KEYS: keys })).toEqual([expect.stringContaining(`PHONE_RESERVATION_KEYS: ${problem}`)]);
  });

  it.each([
    ['unset', undefined, 'PHONE_RESERVATION_KEYS: must be id:base64'],
    ['a key of 16 bytes', `k1:${randomBytes(16).toString('base64')}`, 'PHONE_RESERVATION_KEYS: must be id:base64'],
    ['two keys with one id', `k1:${randomKey()},k1:${randomKey()}`, 'PHONE_RESERVATION_KEYS: two keys have the same id'],
  ])('refuses %s in any mode, never showing a key', (_, keys, problem) => {
    const problems = problemsOf({ ...production, NODE_ENV: 'development', PHONE_RESERVATION_KEYS: keys });
    expect(problems).toEqual([expect.stringContaining(problem)]);
    expect(problems.join(' ')).not.toMatch(/[A-Za-z0-9+/]{20,}/);
  });

  it('accepts the development key outside production', () => {
    expect(problemsOf({ ...production, NODE_ENV: 'development', PHONE_RESERVATION_KEYS: localEnvDefault('PHONE_RESERVATION_KEYS') })).toEqual([]);
  });
});
