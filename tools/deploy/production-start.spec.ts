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
  // The services that call each other (visits → clients, media → clients) also read
  // SERVICE_TOKEN_SECRET; the clients service its PHONE_RESERVATION_KEYS, the media service its MINIO_SECRET_KEY.
  it.each([
    ['clients-service', ['JWT_SECRET', 'MASTER_KEY', 'SERVICE_TOKEN_SECRET', 'PHONE_RESERVATION_KEYS']],
    ['visits-service', ['JWT_SECRET', 'MASTER_KEY', 'SERVICE_TOKEN_SECRET']],
    ['consent-service', ['JWT_SECRET', 'MASTER_KEY']],
    ['media-service', ['JWT_SECRET', 'MASTER_KEY', 'SERVICE_TOKEN_SECRET', 'MINIO_SECRET_KEY']],
  ])('of %s exits at once, naming the variables, never their values', async (service, refused) => {
    const secrets = Object.fromEntries(
      ['JWT_SECRET', 'MASTER_KEY', 'SERVICE_TOKEN_SECRET', 'PHONE_RESERVATION_KEYS', 'MINIO_SECRET_KEY'].map((name) => [name, localEnvDefault(name)]),
    );
    const { code, output } = await start(service, {
      NODE_ENV: 'production',
      ...secrets,
      JWT_ISSUER: 'https://id.example.com/',
      JWT_AUDIENCE: 'salon-client-base',
      // The media service's object store (nothing listens there either).
      MINIO_ENDPOINT: 'http://127.0.0.1:1',
      MINIO_ACCESS_KEY: 'salon-media',
    });
    expect(code).toBe(1);
    for (const variable of refused) expect(output).toContain(`${variable}: is a development value`);
    for (const value of Object.values(secrets)) expect(output).not.toContain(value);
  }, 40_000);
});
