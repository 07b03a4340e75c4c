import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '../..');

/** The defaults of deploy/local/local.env: the development values published in this repository. */
function localEnvDefault(name: string): string {
  const match = new RegExp(`^${name}=\\$\\{${name}:-([^}]*)\\}`, 'm').exec(readFileSync(join(REPO_ROOT, 'deploy/local/local.env'), 'utf8'));
  if (!match) throw new Error(`${name} has no default in local.env`);
  return match[1];
}

function start(service: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(REPO_ROOT, `apps/${service}/src/main.ts`)], {
      cwd: REPO_ROOT,
      // Nothing listens at these addresses: a start that got past its configuration would hang or fail later, not at once.
      env: { PATH: process.env.PATH, PORT: '3998', MONGO_URL: 'mongodb://127.0.0.1:1/salon', KAFKA_BROKERS: '127.0.0.1:1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('a production start with the published development secrets', () => {
  it.each(['clients-service', 'visits-service', 'consent-service'])('of %s exits at once, naming the variables, never their values', async (service) => {
    const jwtSecret = localEnvDefault('JWT_SECRET');
    const masterKey = localEnvDefault('MASTER_KEY');
    // Read by the clients service only; the others ignore it.
    const phoneReservationKeys = localEnvDefault('PHONE_RESERVATION_KEYS');
    const { code, output } = await start(service, {
      NODE_ENV: 'production',
      JWT_SECRET: jwtSecret,
      MASTER_KEY: masterKey,
      PHONE_RESERVATION_KEYS: phoneReservationKeys,
      JWT_ISSUER: 'https://id.example.com/',
      JWT_AUDIENCE: 'salon-client-base',
    });
    expect(code).toBe(1);
    expect(output).toContain('JWT_SECRET: is a development value');
    expect(output).toContain('MASTER_KEY: is a development value');
    expect(output).not.toContain(jwtSecret);
    expect(output).not.toContain(masterKey);
    if (service === 'clients-service') expect(output).toContain('PHONE_RESERVATION_KEYS: is a development value');
    expect(output).not.toContain(phoneReservationKeys);
  }, 40_000);
});
