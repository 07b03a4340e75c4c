import { DynamicModule, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { OpenAPIObject } from '@nestjs/swagger';
import { join } from 'node:path';
import { configureHttpApp, loadConfig, openApiDocumentOf } from '@salon/shared/nest';
import { minio, serviceEnvironment } from '@salon/shared/testing';
import { AppModule as ClientsModule } from '../../apps/clients-service/src/app.module';
import { ClientsServiceConfig } from '../../apps/clients-service/src/config';
import { CLIENTS_SERVICE } from '../../apps/clients-service/src/service-description';
import { AppModule as ConsentModule } from '../../apps/consent-service/src/app.module';
import { ConsentServiceConfig } from '../../apps/consent-service/src/config';
import { CONSENT_SERVICE } from '../../apps/consent-service/src/service-description';
import { AppModule as MediaModule } from '../../apps/media-service/src/app.module';
import { MediaServiceConfig } from '../../apps/media-service/src/config';
import { MEDIA_SERVICE } from '../../apps/media-service/src/service-description';
import { AppModule as VisitsModule } from '../../apps/visits-service/src/app.module';
import { VisitsServiceConfig } from '../../apps/visits-service/src/config';
import { VISITS_SERVICE } from '../../apps/visits-service/src/service-description';

/**
 * Each service's OpenAPI document as its code generates it (the one /docs/json serves), and where
 * its committed copy lives: docs/api/<service>.openapi.json (`npm run openapi:write`).
 */
export interface ServiceDocumentSource {
  readonly name: string;
  readonly committedPath: string;
  /** Builds the app from `env` (not started: no worker, no listener) and generates its document. */
  generate(env: Record<string, string>): Promise<OpenAPIObject>;
}

export const REPO_ROOT = join(__dirname, '..', '..');

function source(service: { name: string; description: string }, module: (env: Record<string, string>) => DynamicModule): ServiceDocumentSource {
  return {
    name: service.name,
    committedPath: join(REPO_ROOT, 'docs', 'api', `${service.name}.openapi.json`),
    async generate(env) {
      const moduleRef = await Test.createTestingModule({ imports: [module(env)] }).compile();
      const app: INestApplication = moduleRef.createNestApplication({ logger: ['error'] });
      try {
        configureHttpApp(app, service);
        return openApiDocumentOf(app, service);
      } finally {
        await app.close();
      }
    },
  };
}

export const SERVICE_DOCUMENTS: readonly ServiceDocumentSource[] = [
  source(CLIENTS_SERVICE, (env) => ClientsModule.forConfig(loadConfig(ClientsServiceConfig, env))),
  source(VISITS_SERVICE, (env) => VisitsModule.forConfig(loadConfig(VisitsServiceConfig, env))),
  source(MEDIA_SERVICE, (env) => MediaModule.forConfig(loadConfig(MediaServiceConfig, env))),
  source(CONSENT_SERVICE, (env) => ConsentModule.forConfig(loadConfig(ConsentServiceConfig, env))),
];

/**
 * What the apps need to be built: the local servers, a database and topic prefix named `name`
 * (nothing is written to them; the caller drops the database), the object store for the media
 * service (its bucket is made at start, which never comes).
 */
export function documentEnvironment(name: string): Record<string, string> {
  const server = minio();
  return serviceEnvironment(name, {
    KAFKA_TOPIC_PREFIX: `${name}.`,
    MINIO_ENDPOINT: `${server.useSSL ? 'https' : 'http'}://${server.endPoint}:${server.port}`,
    MINIO_ACCESS_KEY: server.accessKey,
    MINIO_SECRET_KEY: server.secretKey,
    MEDIA_BUCKET: name,
  });
}

/** The document as committed: stable key order as generated, two-space indent, a final newline. */
export function serialize(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
