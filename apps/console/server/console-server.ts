import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { IncomingMessage, Server, ServerResponse, createServer, request as httpRequest } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { ROLES, Role, signDevelopmentToken } from '@salon/shared/auth';

/**
 * The front-desk console's server: the built single-page app, a same-origin proxy to the services
 * (/api/<service>/… → the service on 127.0.0.1, so the services need no CORS) and, for local use
 * only, a sign-in that issues a development token from the signer of `npm run token`.
 *
 * In production the console gets its token from the identity provider instead (the tokens the
 * services accept through JWT_JWKS_URL): the sign-in route is not there when NODE_ENV=production.
 */
export interface ConsoleServerOptions {
  /** The folder vite build wrote (dist/apps/console). */
  readonly staticDir: string;
  /** Base URL of each service, by the name used in /api/<name>/. */
  readonly services: Readonly<Record<string, string>>;
  /** The HS256 secret the services check development tokens with (JWT_SECRET). */
  readonly jwtSecret: string;
  readonly production: boolean;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};
const MAX_SIGN_IN_BODY = 4_096;
// Hop-by-hop headers are the connection's own, never forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'host']);

export function createConsoleServer(options: ConsoleServerOptions): Server {
  return createServer((req, res) => {
    handle(options, req, res).catch(() => {
      // Nothing about the request is logged: its URL may carry a searched phone or e-mail.
      if (!res.headersSent) json(res, 500, { statusCode: 500, error: 'Internal Server Error', message: 'The console server failed' });
      else res.destroy();
    });
  });
}

async function handle(options: ConsoleServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://console.local');
  const api = /^\/api\/([a-z]+)(\/.*)$/.exec(url.pathname);
  if (api) return proxy(options, api[1], `${api[2]}${url.search}`, req, res);
  if (url.pathname === '/auth/dev-token') return devSignIn(options, req, res);
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { statusCode: 405, error: 'Method Not Allowed', message: 'Only GET' });
  return serveStatic(options.staticDir, url.pathname, res);
}

function proxy(options: ConsoleServerOptions, service: string, path: string, req: IncomingMessage, res: ServerResponse): void {
  const base = options.services[service];
  if (!base) return json(res, 404, { statusCode: 404, error: 'Not Found', message: `No service "${service}" behind the console` });
  const target = new URL(path, base);
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
  const upstream = httpRequest(target, { method: req.method, headers }, (answer) => {
    const forwarded = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
    res.writeHead(answer.statusCode ?? 502, forwarded);
    answer.pipe(res);
  });
  upstream.on('error', () => json(res, 502, { statusCode: 502, error: 'service-unreachable', message: `The ${service} service does not answer` }));
  req.pipe(upstream);
}

async function devSignIn(options: ConsoleServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (options.production) {
    return json(res, 404, { statusCode: 404, error: 'Not Found', message: 'Development sign-in is off in production: sign in with the identity provider' });
  }
  if (req.method !== 'POST') return json(res, 405, { statusCode: 405, error: 'Method Not Allowed', message: 'POST a chain and a role' });
  const body = await readJson(req);
  const errors: { field: string; reason: string }[] = [];
  const tenant = typeof body?.['tenant'] === 'string' ? body['tenant'].trim() : '';
  const role = body?.['role'];
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(tenant)) errors.push({ field: 'tenant', reason: 'A chain id: 1–100 of letters, digits, ".", "_", ":" or "-"' });
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) errors.push({ field: 'role', reason: `One of ${ROLES.join(', ')}` });
  if (errors.length > 0) return json(res, 400, { statusCode: 400, error: 'Bad Request', message: 'Choose a chain and a role', errors });
  const user = `console-${role}`;
  const token = await signDevelopmentToken(options.jwtSecret, { userId: user, tenantId: tenant, roles: [role as Role], salonIds: [] }, '8h');
  json(res, 200, { token, tenant, role, user });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_SIGN_IN_BODY) return undefined;
    chunks.push(chunk);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function serveStatic(staticDir: string, pathname: string, res: ServerResponse): Promise<void> {
  const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  const file = join(staticDir, relative);
  const inside = file === staticDir || file.startsWith(staticDir.endsWith(sep) ? staticDir : staticDir + sep);
  const found = inside ? await stat(file).catch(() => undefined) : undefined;
  // Any path that is no file is the app's own (one page): index.html.
  const served = found?.isFile() ? file : join(staticDir, 'index.html');
  const exists = await stat(served).catch(() => undefined);
  if (!exists?.isFile()) return json(res, 503, { statusCode: 503, error: 'console-not-built', message: 'Build the console first: nx run console:build' });
  res.writeHead(200, { 'Content-Type': CONTENT_TYPES[extname(served)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
  createReadStream(served).pipe(res);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
