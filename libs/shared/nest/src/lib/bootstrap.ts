import { DynamicModule, INestApplication, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ConfigurationError } from './config';
import { HttpErrorFilter } from './error-filter';
import { JsonLogger } from './json-logger';
import { exitOnUnhandledFailure } from './process-failures';
import { describeAccessRules } from './openapi-access';
import { describeCallerIdHeaders } from './openapi-headers';
import { describeErrorAnswers, describeValidationRules, routeFactsOf } from './openapi-contract';
import { useMethodNotAllowed } from './method-not-allowed';
import { httpMetricsMiddleware, labelMetricsWithService } from './metrics';
import { correlationIdMiddleware } from './request-context';
import { startTracing, tracingMiddleware } from './tracing';
import { useBodyParsers } from './request-body';
import { useSecurityHeaders } from './security-headers';
import { createValidationPipe } from './validation';

export interface ServiceDescription {
  /** e.g. `clients-service`; used in logs and the OpenAPI title. */
  readonly name: string;
  readonly description: string;
  readonly logLevel?: LogLevel;
}

/** The HTTP conventions every service shares: body limits, validation, errors, correlation ids, OpenAPI at /docs. */
export async function createHttpApp(rootModule: Type<unknown> | DynamicModule, service: ServiceDescription): Promise<INestApplication> {
  // Before the application: its spans need the provider (nothing happens without an OTLP endpoint).
  startTracing(service.name);
  const app = await NestFactory.create(rootModule, { logger: new JsonLogger(service.name, service.logLevel) });
  // Every metric of the process names its service, whatever the scrape configuration adds.
  labelMetricsWithService(service.name);
  configureHttpApp(app, service);
  return app;
}

export function configureHttpApp(app: INestApplication, service: ServiceDescription): INestApplication {
  useSecurityHeaders(app);
  // The API's only ETag is a record's revision (ETagHeader, documented where a route sends it);
  // Express's own, a hash of any answer's body, would be one no document names and If-Match refuses.
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable('etag');
  app.use(httpMetricsMiddleware);
  app.use(correlationIdMiddleware);
  app.use(tracingMiddleware);
  useBodyParsers(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  app.enableShutdownHooks();
  useMethodNotAllowed(app);
  SwaggerModule.setup('docs', app, () => openApiDocumentOf(app, service), { jsonDocumentUrl: 'docs/json' });
  return app;
}

/**
 * The service's OpenAPI document, generated from its code: the routes' decorators, then what the
 * shared machinery adds from the same metadata the guards, pipes and filter read (access rules,
 * caller-id headers, validation constraints, error answers). /docs/json serves it; `npm run
 * openapi:write` commits it (docs/api/), and a test compares the two.
 */
export function openApiDocumentOf(app: INestApplication, service: Pick<ServiceDescription, 'name' | 'description'>): OpenAPIObject {
  const openApi = new DocumentBuilder()
    .setTitle(service.name)
    .setDescription(service.description)
    .setVersion(OPENAPI_VERSION)
    .addBearerAuth()
    .build();
  describeAccessRules(app);
  const facts = routeFactsOf(app);
  const document = describeCallerIdHeaders(SwaggerModule.createDocument(app, openApi));
  return describeErrorAnswers(describeValidationRules(document, facts), facts);
}

/**
 * The version of the services' HTTP API (info.version of each document); docs/api-versioning.md
 * says when it changes. A breaking change of a route without a new major version fails the
 * compatibility test (tools/openapi/).
 */
export const OPENAPI_VERSION = '1.3.0';

/**
 * Starts a service; a bad configuration ends the process with the list of what is wrong. A
 * rejection or exception nothing handled, ever after, is logged and ends the process with code 1
 * (`exitOnUnhandledFailure`).
 */
export async function runService(start: () => Promise<void>, serviceName = serviceOfEntryScript()): Promise<void> {
  exitOnUnhandledFailure(serviceName);
  try {
    await start();
  } catch (error) {
    const message = error instanceof ConfigurationError ? error.message : (error as Error)?.stack ?? String(error);
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
}

/** `clients-service` for apps/clients-service/src/main.ts: how the fatal line names the process. */
function serviceOfEntryScript(): string {
  return /apps[\\/]([^\\/]+)[\\/]/.exec(process.argv[1] ?? '')?.[1] ?? 'service';
}
