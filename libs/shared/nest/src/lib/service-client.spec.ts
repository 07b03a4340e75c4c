import { ServiceUnavailableException } from '@nestjs/common';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { ServiceTokenIssuer } from '@salon/shared/auth';
import { ServiceClient } from './service-client';

interface Received {
  readonly method?: string;
  readonly url?: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A stand-in for the called service on a free loopback port: records each request, answers as told. */
async function calledService(answer: { status: number; body?: object }): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ method: request.method, url: request.url, headers: request.headers, body });
      response.writeHead(answer.status, answer.body ? { 'content-type': 'application/json' } : {});
      response.end(answer.body ? JSON.stringify(answer.body) : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

const tokens = new ServiceTokenIssuer('s'.repeat(64), 'visits-service');
const call = { method: 'PUT' as const, path: '/clients/c%201/visits/v-1', tenantId: 't-1', userId: 'u-1', correlationId: 'corr-1', salonId: 'salon-1' };

describe('ServiceClient', () => {
  const servers: Server[] = [];
  afterEach(() => servers.splice(0).forEach((server) => server.close()));

  it('sends a service token bound to the one request, the chain and the user, never another token', async () => {
    const service = await calledService({ status: 204 });
    servers.push(service.server);
    const client = new ServiceClient('clients-service', `${service.url}/`, tokens, 'try later');

    await expect(client.send({ ...call, body: { a: 1 } })).resolves.toEqual({ status: 204 });

    const [request] = service.received;
    expect(request).toMatchObject({ method: 'PUT', url: '/clients/c%201/visits/v-1', body: '{"a":1}' });
    expect(request.headers).toMatchObject({ 'x-correlation-id': 'corr-1', 'x-salon-id': 'salon-1', 'content-type': 'application/json' });
    const claims = decodeJwt(String(request.headers.authorization).replace(/^Bearer /, ''));
    expect(claims).toMatchObject({ iss: 'visits-service', aud: 'clients-service', sub: 'u-1', htm: 'PUT', htu: '/clients/c%201/visits/v-1' });
  });

  it("gives the caller a refusal's status and error code to give meaning to", async () => {
    const service = await calledService({ status: 409, body: { statusCode: 409, error: 'client-erased', message: 'The client was erased' } });
    servers.push(service.server);
    const client = new ServiceClient('clients-service', service.url, tokens, 'try later');

    await expect(client.send(call)).resolves.toEqual({ status: 409, error: 'client-erased' });
  });

  it('answers 503 <service>-unavailable with the use case’s message when the service cannot be reached', async () => {
    const service = await calledService({ status: 204 });
    await new Promise((resolve) => service.server.close(resolve));
    const client = new ServiceClient('clients-service', service.url, tokens, 'The client could not be checked right now.');

    const refusal = await client.send(call).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(ServiceUnavailableException);
    expect((refusal as ServiceUnavailableException).getResponse()).toEqual({
      statusCode: 503,
      error: 'clients-service-unavailable',
      message: 'The client could not be checked right now.',
    });
  });

  it('turns an answer the caller has no meaning for into a 503, not the user’s fault', () => {
    const client = new ServiceClient('clients-service', 'http://127.0.0.1:1', tokens, 'try later');

    expect(client.unexpected({ status: 401, error: 'invalid-token' }, 'an admission').getStatus()).toBe(503);
  });
});
