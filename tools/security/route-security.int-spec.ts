import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ALL_TOPICS } from '@salon/contracts';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import { configureHttpApp, loadConfig, RATE_LIMIT_CLASSES, WorkerHost } from '@salon/shared/nest';
import { cleanUpServiceEnvironment, eventually, freePort, kafkaBrokers, serviceEnvironment, uniqueName } from '@salon/shared/testing';
import { AppModule as ClientsAppModule } from '../../apps/clients-service/src/app.module';
import { ClientsServiceConfig } from '../../apps/clients-service/src/config';
import { AppModule as ConsentAppModule } from '../../apps/consent-service/src/app.module';
import { ConsentServiceConfig } from '../../apps/consent-service/src/config';
import { AppModule as MediaAppModule } from '../../apps/media-service/src/app.module';
import { MediaServiceConfig } from '../../apps/media-service/src/config';
import { mediaEnvironment, removeBucket } from '../../apps/media-service/src/test/media-test-kit';
import { AppModule as VisitsAppModule } from '../../apps/visits-service/src/app.module';
import { VisitsServiceConfig } from '../../apps/visits-service/src/config';
import { ROLES, Role, SERVICE_ROLES } from '@salon/shared/auth';
import { missingFixtures, RAW_BODIES, recordsNobodyHas, Records, refersToRecords, requestFor, send, booking } from './route-requests';
import { AUDIENCE, ISSUER, RouteTokens } from './route-tokens';
import { enumerateRoutes, OpenApiDocument, Route } from './routes';

/**
 * The security acceptance of issue 11, for every route of every service, enumerated from each
 * service's own OpenAPI document (`/docs/json`): a route added without what the suite needs to
 * call it fails here. Who may call a route is read from the document too (`x-roles`, written from
 * the @Roles the guard enforces; `x-public` for @Public), and a route that declares neither fails.
 *
 * Per route, a few requests each:
 * - no token, a bad signature, `alg: none`, expired, without `exp`, another issuer, another audience → 401;
 * - every staff role the route does not name → 403;
 * - another chain's existing ids answer exactly like ids that exist nowhere (status and body);
 * - a salon-bound user outside their salon → 403 where `x-salon-scope` says so;
 * - a body with a field the route does not take (`tenantId`) → 400 naming it.
 *
 * The four services run in this process against the real local servers, sharing one event store
 * file, database and topic prefix as in production; the visits service admits bookings through the
 * clients service over HTTP, and the media service sets photo references through it.
 */
describe('every route of every service', () => {
  const prefix = `${uniqueName('t')}.`;
  const storage = mediaEnvironment();
  // The client import's files in a bucket of their own (unversioned, unlike the photos').
  const importBucket = `${storage.MEDIA_BUCKET}-imports`;
  // The data packages too; the suite's package request stays pending (its job reaches no other service).
  const packageBucket = `${storage.MEDIA_BUCKET}-packages`;
  const env = serviceEnvironment(uniqueName('route-security'), {
    KAFKA_TOPIC_PREFIX: prefix,
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
    ...storage,
    IMPORT_BUCKET: importBucket,
    DATA_EXPORT_BUCKET: packageBucket,
    VISITS_SERVICE_URL: 'http://127.0.0.1:1',
    CONSENT_SERVICE_URL: 'http://127.0.0.1:1',
    MEDIA_SERVICE_URL: 'http://127.0.0.1:1',
  });
  const kafka = createMessagingClient({ clientId: 'route-security-test', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const apps: INestApplication[] = [];
  const services: { name: string; http: ReturnType<typeof request>; routes: Route[] }[] = [];
  const tokens = new RouteTokens();
  /** The chain whose records the other chain probes for. */
  const chain = uniqueName('chain-home');
  const otherChain = uniqueName('chain-other');
  const fixture = { clientId: '', visitId: '', visitNumber: 0, phone: '+48601900001', salonId: 'salon-centre', runId: '', jobId: '', requestId: '', erasedClientId: '' };

  async function start(name: string, module: unknown, port = 0): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({ imports: [module as never] }).compile();
    const app = moduleRef.createNestApplication({ logger: ['error'] });
    configureHttpApp(app, { name, description: 'route security suite' });
    await app.listen(port, '127.0.0.1');
    await app.get(WorkerHost).whenStarted();
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    // The clients service's port is chosen first: the visits and media services call it, and it calls
    // the three others for the parts of a data package (the suite reads a ready one).
    const clientsPort = await freePort();
    const clientsUrl = `http://127.0.0.1:${clientsPort}`;
    const visits = await start('visits-service', VisitsAppModule.forConfig(loadConfig(VisitsServiceConfig, { ...env, CLIENTS_SERVICE_URL: clientsUrl })));
    const consent = await start('consent-service', ConsentAppModule.forConfig(loadConfig(ConsentServiceConfig, env)));
    const media = await start('media-service', MediaAppModule.forConfig(loadConfig(MediaServiceConfig, { ...env, CLIENTS_SERVICE_URL: clientsUrl })));
    const urlOf = async (app: INestApplication) => (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const others = { VISITS_SERVICE_URL: await urlOf(visits), CONSENT_SERVICE_URL: await urlOf(consent), MEDIA_SERVICE_URL: await urlOf(media) };
    const clients = await start('clients-service', ClientsAppModule.forConfig(loadConfig(ClientsServiceConfig, { ...env, ...others })), clientsPort);
    for (const [name, app] of [['clients-service', clients], ['visits-service', visits], ['consent-service', consent], ['media-service', media]] as const) {
      const http = request(app.getHttpServer());
      const document = await http.get('/docs/json').expect(200);
      services.push({ name, http, routes: enumerateRoutes(name, document.body as OpenApiDocument) });
    }
    await recordsOfTheHomeChain();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
    await removeBucket(storage.MEDIA_BUCKET);
    await removeBucket(importBucket);
    await removeBucket(packageBucket);
  });

  /** A client, its consent record, a visit and a photo in the home chain: what the other chain's ids point at. */
  async function recordsOfTheHomeChain(): Promise<void> {
    const [clients, visits, consent, media] = services.map((service) => service.http);
    const owner = await tokens.valid({ tenantId: chain, roles: ['owner'] });
    const registered = await clients.post('/clients').set('Authorization', owner).send({ phone: fixture.phone, firstName: 'Ada' }).expect(201);
    fixture.clientId = registered.body.clientId;
    const booked = await visits.post('/visits').set('Authorization', owner).send(booking(fixture)).expect(201);
    fixture.visitId = booked.body.visitId;
    fixture.visitNumber = booked.body.number;
    // A retention run of the home chain (its policy is all off: the run touches nobody).
    fixture.runId = (await clients.post('/retention-policy/runs').set('Authorization', owner).expect(201)).body.runId;
    // An import job of the home chain (uploaded only: nothing is imported).
    const spreadsheet = RAW_BODIES['POST /clients/imports'];
    fixture.jobId = (await clients.post('/clients/imports').set('Authorization', owner).set('Content-Type', spreadsheet.contentType).send(spreadsheet.bytes).expect(201)).body.jobId;
    // A data package request of the home client.
    fixture.requestId = (await clients.post(`/clients/${fixture.clientId}/data-export`).set('Authorization', owner).expect(202)).body.requestId;
    // An erased client of the home chain: the erasure certificate's route reads one.
    const toErase = await clients.post('/clients').set('Authorization', owner).send({ phone: '+48601900005', firstName: 'Bea' }).expect(201);
    fixture.erasedClientId = toErase.body.clientId;
    await clients.post(`/clients/${fixture.erasedClientId}/erasure`).set('Authorization', owner).expect(200);
    // The media service creates its bucket on its first readiness check.
    await eventually(async () => ((await media.get('/health/ready')).status === 200 ? true : undefined), 'the media service to be ready');
    const photo = RAW_BODIES['PUT /clients/{clientId}/photo'];
    await media.put(`/clients/${fixture.clientId}/photo`).set('Authorization', owner).set('Content-Type', photo.contentType).send(photo.bytes).expect(200);
    // Every read shows the records once their events are projected (the consent record opens when
    // the registration reaches the consent context): the checks then compare answers about records
    // that are there, never a projection's lag.
    const shows = (http: ReturnType<typeof request>, path: string, query: Record<string, unknown>, holds: (body: Record<string, unknown>) => boolean) =>
      eventually(async () => {
        const response = await http.get(path).query(query).set('Authorization', owner);
        return response.status === 200 && holds(response.body) ? true : undefined;
      }, `GET ${path} to show the home chain's records`);
    await Promise.all([
      shows(consent, `/clients/${fixture.clientId}/consent`, {}, (body) => body.status === 'open'),
      shows(clients, `/clients/${fixture.clientId}`, {}, (body) => body.clientId === fixture.clientId),
      shows(clients, '/clients', { phone: fixture.phone }, (body) => Array.isArray(body.items) && body.items.length === 1),
      shows(visits, `/clients/${fixture.clientId}/visits`, {}, (body) => Array.isArray(body.items) && body.items.length === 1),
      shows(visits, '/visits', { number: fixture.visitNumber }, (body) => body.visitId === fixture.visitId),
      // A ready package: its download route then reads the zip.
      shows(clients, `/clients/${fixture.clientId}/data-export/${fixture.requestId}`, {}, (body) => body.status === 'ready'),
    ]);
  }

  const SERVICES = ['clients-service', 'visits-service', 'consent-service', 'media-service'];
  const serviceNamed = (name: string) => {
    const service = services.find((candidate) => candidate.name === name);
    if (!service) throw new Error(`${name} did not start`);
    return service;
  };
  const protectedRoutes = (name: string) => serviceNamed(name).routes.filter((route) => !route.isPublic && route.roles);
  const userRolesOf = (route: Route) => (route.roles ?? []).filter((role): role is Role => (ROLES as readonly string[]).includes(role));
  const describeAnswer = (response: request.Response) => `${response.status} ${response.body?.error ?? ''}`.trim();

  it('finds the routes of every service in their OpenAPI documents, each with a declared access rule', () => {
    expect(services.map((service) => [service.name, service.routes.length > 0])).toEqual(SERVICES.map((name) => [name, true]));
    const undeclared = services.flatMap((service) => service.routes.filter((route) => !route.isPublic && !route.roles).map((route) => route.label));
    expect(undeclared).toEqual([]);
    // Public routes are the health checks only.
    const open = services.flatMap((service) => service.routes.filter((route) => route.isPublic).map((route) => route.path));
    expect([...new Set(open)].sort()).toEqual(['/health/live', '/health/ready']);
    // Every other route is rate-limited in a class; the lists that answer pages of records in the expensive one.
    const unlimited = services.flatMap((service) =>
      service.routes.filter((route) => !route.isPublic && !(RATE_LIMIT_CLASSES as readonly string[]).includes(route.rateLimit ?? '')).map((route) => route.label),
    );
    expect(unlimited).toEqual([]);
    const expensive = services.flatMap((service) => service.routes.filter((route) => route.rateLimit === 'expensive').map((route) => route.label));
    expect(expensive.sort()).toEqual(['GET /clients', 'GET /clients/{clientId}/visits', 'PUT /clients/{clientId}/photo']);
  });

  it.each(SERVICES)('%s: the suite knows how to call every route', (name) => {
    expect(serviceNamed(name).routes.flatMap(missingFixtures)).toEqual([]);
  });

  it.each(SERVICES)('%s: no token, a bad signature, alg none, expired, no exp, another issuer or audience → 401', async (name) => {
    const { http } = serviceNamed(name);
    const refusals = await tokens.refused({ tenantId: chain, roles: ['owner', 'manager', 'receptionist', 'analyst'] });
    const failures: string[] = [];
    for (const route of protectedRoutes(name)) {
      const call = requestFor(route, fixture);
      for (const [what, authorization] of Object.entries(refusals)) {
        const response = await send(http, call, authorization);
        if (response.status !== 401) failures.push(`${route.label} with ${what}: ${describeAnswer(response)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it.each(SERVICES)('%s: every staff role a route does not name → 403', async (name) => {
    const { http } = serviceNamed(name);
    const failures: string[] = [];
    for (const route of protectedRoutes(name)) {
      for (const role of ROLES.filter((role) => !route.roles?.includes(role))) {
        const response = await send(http, requestFor(route, fixture), await tokens.valid({ tenantId: chain, roles: [role] }));
        if (response.status !== 403) failures.push(`${route.label} as ${role}: ${describeAnswer(response)}`);
      }
      // A service token (addressed to this service) on a route that does not name its role: 403, or
      // 401 from a service that takes no service tokens at all.
      for (const role of SERVICE_ROLES.filter((role) => !route.roles?.includes(role))) {
        const response = await send(http, requestFor(route, fixture), await tokens.service(role, name, { tenantId: chain }));
        if (response.status !== 403 && response.status !== 401) failures.push(`${route.label} with a ${role} token: ${describeAnswer(response)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it.each(SERVICES)("%s: another chain's ids answer exactly like ids nobody has", async (name) => {
    const { http } = serviceNamed(name);
    const failures: string[] = [];
    for (const route of protectedRoutes(name).filter(refersToRecords)) {
      const outsider = await tokens.withOneOf(route.roles ?? [], name, { tenantId: otherChain });
      const nobodys = recordsNobodyHas(fixture.salonId);
      const answer = async (records: Records) => {
        const response = await send(http, requestFor(route, records), outsider);
        return { status: response.status, body: normalised(response.body, records) };
      };
      const existing = await answer(fixture);
      const unknown = await answer(nobodys);
      if (unknown.status === 400) {
        failures.push(`${route.label}: the suite's request is refused as malformed, so it compares nothing: ${JSON.stringify(unknown.body)}`);
      } else if (JSON.stringify(existing) !== JSON.stringify(unknown)) {
        failures.push(`${route.label}: another chain's records ${JSON.stringify(existing)}, nobody's ${JSON.stringify(unknown)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it.each(SERVICES)('%s: a salon-bound user outside their salon → 403 where the route says so; chain-wide reads as for everyone', async (name) => {
    const { http } = serviceNamed(name);
    const failures: string[] = [];
    for (const route of protectedRoutes(name)) {
      const [role] = userRolesOf(route);
      if (!role) continue;
      const boundTo = (salonIds: string[]) => tokens.valid({ tenantId: chain, roles: [role], salonIds });
      const expectRefused = async (rule: string, authorization: string, headers: Record<string, string> = {}) => {
        const response = await send(http, requestFor(route, fixture, { headers }), authorization);
        if (response.status !== 403 || response.body.error !== 'salon-not-yours') {
          failures.push(`${route.label} (${rule}) for a user of another salon: ${describeAnswer(response)}`);
        }
      };
      for (const rule of route.salonScope) {
        if (rule === 'x-salon-id') {
          await expectRefused(rule, await boundTo([fixture.salonId]), { 'X-Salon-Id': 'salon-elsewhere' });
          // The header goes into the audit trail: free text (a name, a phone) is refused for everyone.
          const call = requestFor(route, fixture, { headers: { 'X-Salon-Id': 'Anna Nowak +48 601 900 001' } });
          const response = await send(http, call, await tokens.valid({ tenantId: chain, roles: [role] }));
          const named = (response.body.errors ?? []).some((error: { field?: string }) => error.field === 'X-Salon-Id');
          if (response.status !== 400 || !named || JSON.stringify(response.body).includes('Nowak')) {
            failures.push(`${route.label} with free text in X-Salon-Id: ${describeAnswer(response)}`);
          }
        } else if (rule === 'visit') await expectRefused(rule, await boundTo(['salon-elsewhere']));
        else if (rule.startsWith('body.')) {
          // The route's body names the home salon at that path; the user works elsewhere.
          const named = rule.slice('body.'.length).split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], requestFor(route, fixture).body);
          if (named !== fixture.salonId) failures.push(`${route.label}: its body in route-requests.ts does not name the salon at ${rule}`);
          else await expectRefused(rule, await boundTo(['salon-elsewhere']));
        } else failures.push(`${route.label}: unknown x-salon-scope rule "${rule}"`);
      }
      if (!route.salonScope.includes('x-salon-id')) {
        // Undeclared, the header must not be what refuses (a route that checks it says so); nobody's
        // records, so that a write the rule does not stop changes nothing.
        const call = requestFor(route, recordsNobodyHas(fixture.salonId), { headers: { 'X-Salon-Id': 'salon-elsewhere' } });
        const response = await send(http, call, await boundTo([fixture.salonId]));
        if (response.body?.error === 'salon-not-yours') failures.push(`${route.label} refuses X-Salon-Id without declaring x-salon-id`);
      }
      const resourceBound = route.salonScope.some((rule) => rule !== 'x-salon-id');
      if (!resourceBound && route.method === 'get') {
        const call = requestFor(route, fixture);
        const everyone = await send(http, call, await tokens.valid({ tenantId: chain, roles: [role] }));
        const bound = await send(http, call, await boundTo(['salon-elsewhere']));
        if (everyone.status !== 200) {
          failures.push(`${route.label}: the suite's read of the home chain's records answers ${describeAnswer(everyone)}, so it compares nothing`);
        } else if (bound.status !== everyone.status) {
          failures.push(`${route.label} (chain-wide) for a user of another salon: ${describeAnswer(bound)}, for everyone ${describeAnswer(everyone)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it.each(SERVICES)('%s: a body field the route does not take → 400 naming it', async (name) => {
    const { http } = serviceNamed(name);
    const failures: string[] = [];
    for (const route of protectedRoutes(name).filter((route) => route.hasJsonBody)) {
      const [role] = userRolesOf(route);
      if (!role) continue;
      for (const field of ['tenantId', 'actorId']) {
        const call = requestFor(route, fixture, { body: { [field]: otherChain } });
        const response = await send(http, call, await tokens.valid({ tenantId: chain, roles: [role] }));
        const named = (response.body.errors ?? []).some((error: { field?: string }) => error.field === field);
        if (response.status !== 400 || !named) failures.push(`${route.label} with "${field}": ${describeAnswer(response)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

/** An answer without its correlation id and with the records it was asked about replaced by their names: what two answers must share. */
function normalised(body: unknown, records: Records): string {
  const { correlationId: _correlationId, ...rest } = (body && typeof body === 'object' ? body : { body }) as Record<string, unknown>;
  let text = JSON.stringify(rest);
  for (const name of ['clientId', 'visitId', 'phone', 'runId', 'jobId', 'requestId', 'erasedClientId'] as const) text = text.split(records[name]).join(`<${name}>`);
  // A number only where it stands alone (the home chain's visit number may be 1).
  return text.replace(new RegExp(`(?<![0-9])${records.visitNumber}(?![0-9])`, 'g'), '<visitNumber>');
}

