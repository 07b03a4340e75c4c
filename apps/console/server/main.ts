/**
 * `npm start` runs this: the console on 127.0.0.1:CONSOLE_PORT (3000), proxying /api/<service>/
 * to the services of local.env. Local use only: it binds loopback and signs development tokens.
 */
import { join } from 'node:path';
import { createConsoleServer } from './console-server';

const env = process.env;
const port = Number(env['CONSOLE_PORT'] ?? 3000);
const local = (variable: string, fallback: number) => `http://127.0.0.1:${env[variable] ?? fallback}`;
const jwtSecret = env['JWT_SECRET'];
if (!jwtSecret) throw new Error('JWT_SECRET is required (deploy/local/local.env sets it)');

const server = createConsoleServer({
  staticDir: join(__dirname, '../../../dist/apps/console'),
  services: {
    clients: local('CLIENTS_SERVICE_PORT', 3001),
    visits: local('VISITS_SERVICE_PORT', 3002),
    media: local('MEDIA_SERVICE_PORT', 3003),
    consent: local('CONSENT_SERVICE_PORT', 3004),
  },
  jwtSecret,
  production: env['NODE_ENV'] === 'production',
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`console listening on http://127.0.0.1:${port}\n`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
