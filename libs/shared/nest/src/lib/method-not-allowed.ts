import { HttpStatus, INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { CORRELATION_ID_HEADER } from './request-context';

interface RouteLayer {
  readonly route?: { readonly path: unknown; readonly methods: Record<string, boolean> };
  match(path: string): unknown;
}

/**
 * A method the path has no route for (TRACE, PATCH on a PUT-only resource, ...) is a 405 with an
 * `Allow` header naming the methods it has (RFC 9110), not the 404 the router would give (as if the
 * resource did not exist); an OPTIONS request is answered 204 with the same `Allow`. Only paths
 * some route matches are concerned: anything else stays a 404. Runs before the guards, so it says
 * nothing about who may call the methods it names. Of the routes a path matches, the one with the
 * fewest parameters is the resource. Registered before the routes; it reads them
 * from the router on each request (they are registered at init, after it).
 */
export function useMethodNotAllowed(app: INestApplication): void {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: RouteLayer[] } };
  app.use((request: Request, response: Response, next: NextFunction) => {
    // The resource is the most specific of the routes the path matches: /clients/export is not a
    // client id for /clients/:clientId (ids are UUIDs), so PUT there is a 405, not a 400 about the id.
    let fewestParameters = Number.POSITIVE_INFINITY;
    let allowed = new Set<string>();
    for (const layer of express.router.stack) {
      if (!layer.route || !layer.match(request.path)) continue;
      const parameters = (String(layer.route.path).match(/[:*]/g) ?? []).length;
      if (parameters > fewestParameters) continue;
      if (parameters < fewestParameters) [fewestParameters, allowed] = [parameters, new Set()];
      for (const [method, handles] of Object.entries(layer.route.methods)) if (handles && method !== '_all') allowed.add(method.toUpperCase());
    }
    if (allowed.size === 0 || allowed.has(request.method) || (request.method === 'HEAD' && allowed.has('GET'))) return next();
    if (allowed.has('GET')) allowed.add('HEAD');
    allowed.add('OPTIONS');
    response.setHeader('Allow', [...allowed].join(', '));
    if (request.method === 'OPTIONS') {
      response.status(HttpStatus.NO_CONTENT).end();
      return;
    }
    const correlationId = response.getHeader(CORRELATION_ID_HEADER);
    response.status(HttpStatus.METHOD_NOT_ALLOWED).json({
      statusCode: HttpStatus.METHOD_NOT_ALLOWED,
      error: 'method-not-allowed',
      message: `${request.method} is not a method of this resource; it allows ${[...allowed].join(', ')}.`,
      ...(typeof correlationId === 'string' ? { correlationId } : {}),
    });
  });
}
