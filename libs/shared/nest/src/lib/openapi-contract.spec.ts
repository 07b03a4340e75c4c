import { Body, Controller, Get, Headers, INestApplication, Param, Put, Query } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiConflictResponse, ApiHeader, ApiOkResponse, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsInt, IsISO8601, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import request from 'supertest';
import { Public, Roles } from './auth';
import { configureHttpApp, openApiDocumentOf } from './bootstrap';
import { CommandContext } from './command-context';
import { CurrentCommandContext } from './command-context.decorator';
import { ErrorCodes } from './error-codes.decorator';
import { ETagHeader, SendETag } from './etag-header.decorator';
import { MaxDecimalPlaces } from './numbers';
import { ParseIdPipe } from './validation';

class LineRequest {
  @ApiProperty()
  @IsNumber()
  @MaxDecimalPlaces(2)
  @Min(0)
  @Max(100_000)
  price!: number;
}

class ThingRequest {
  @ApiProperty()
  @IsString()
  @MaxLength(20)
  @Matches(/^[a-z]+$/)
  name!: string;

  @ApiPropertyOptional({ enum: ['a', 'b'] })
  @IsOptional()
  @IsIn(['a', 'b'])
  kind?: string;

  @ApiProperty({ type: [LineRequest] })
  @ValidateNested({ each: true })
  @ArrayMaxSize(3)
  @Type(() => LineRequest)
  lines!: LineRequest[];
}

class ThingQuery {
  @ApiProperty()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  number!: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(5)
  label?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;
}

@Controller('things')
class ThingsController {
  @Get('literal')
  @Roles('owner')
  literal(@Query() query: ThingQuery): ThingQuery {
    return query;
  }

  @Get('current')
  @Public()
  current(@ETagHeader('Absent before the first save.') sendETag: SendETag): { thingId: string } {
    sendETag(7n);
    return { thingId: 'current' };
  }

  @Get(':thingId')
  @Roles('owner')
  read(@Param('thingId', new ParseIdPipe()) thingId: string): { thingId: string } {
    return { thingId };
  }

  @Put(':thingId')
  @Roles('owner')
  @ApiHeader({ name: 'If-Match', required: true })
  @ApiOkResponse({ description: 'saved' })
  @ApiConflictResponse({ description: 'name-taken.' })
  @ErrorCodes({ 404: ['thing-not-found'], 409: ['name-taken'], 400: ['name-too-rude'] })
  save(
    @CurrentCommandContext() _context: CommandContext,
    @Param('thingId', new ParseIdPipe()) thingId: string,
    @Headers('if-match') _ifMatch: string,
    @Body() _body: ThingRequest,
    @ETagHeader() sendETag: SendETag,
  ): { thingId: string } {
    sendETag('4');
    return { thingId };
  }

  @Get()
  @Public()
  list(): string[] {
    return [];
  }
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the OpenAPI document the shared machinery completes', () => {
  let app: INestApplication;
  let document: Json;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ThingsController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    configureHttpApp(app, { name: 'things', description: 'test' });
    await app.init();
    document = openApiDocumentOf(app, { name: 'things', description: 'test' }) as unknown as Json;
  });

  afterAll(() => app.close());

  const schema = (name: string): Json => document.components.schemas[name];

  it('writes the DTO rules into the body schema: lengths, patterns, enums, ranges, array sizes, required, no unknown fields', () => {
    const thing = schema('ThingRequest');
    expect(thing.additionalProperties).toBe(false);
    expect(thing.required).toEqual(['name', 'lines']);
    expect(thing.properties.name).toMatchObject({ type: 'string', maxLength: 20, pattern: '^[a-z]+$' });
    expect(thing.properties.kind).toMatchObject({ enum: ['a', 'b'] });
    expect(thing.properties.lines).toMatchObject({ type: 'array', maxItems: 3 });
    const line = schema('LineRequest');
    expect(line.additionalProperties).toBe(false);
    expect(line.properties.price).toMatchObject({ type: 'number', minimum: 0, maximum: 100_000, description: 'At most 2 decimal places.' });
  });

  it('writes the rules of an @Query() DTO into its query parameters, and which are required', () => {
    const parameters: Json[] = document.paths['/things/literal'].get.parameters;
    expect(parameters.find((parameter) => parameter.name === 'number')).toMatchObject({ required: true, schema: { type: 'integer', minimum: 1 } });
    expect(parameters.find((parameter) => parameter.name === 'label')).toMatchObject({ required: false, schema: { maxLength: 5 } });
    // A strict ISO 8601 date-time: JavaScript's Date cannot hold years 0–99 as written, so they are refused.
    const since = (parameters.find((parameter) => parameter.name === 'since') as Json).schema;
    expect(since.format).toBe('date-time');
    expect(['2026-03-01T10:00:00Z', '0100-01-01T00:00:00Z', '0070-12-25T01:54:47Z'].map((value) => new RegExp(since.pattern).test(value))).toEqual([true, true, false]);
  });

  it('says a ParseIdPipe path id is a UUID, and that the route answers 400 and 404 for it', () => {
    const read = document.paths['/things/{thingId}'].get;
    expect(read.parameters[0]).toMatchObject({ name: 'thingId', in: 'path', schema: { type: 'string', format: 'uuid' } });
    expect(Object.keys(read.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '404', '429']));
  });

  it('derives the error answers from the route: roles, body, Idempotency-Key, If-Match; keeps what the route says', () => {
    const save = document.paths['/things/{thingId}'].put;
    expect(Object.keys(save.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '410', '413', '415', '422', '428', '429', '500', '503']);
    expect(save.responses['409'].description).toMatch(/^name-taken\. The record changed since the ETag/);
    expect(save.responses['200'].headers.ETag).toBeDefined();
    expect(save.responses['428'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error428' });
    expect(schema('Error428').allOf[1].properties.error.enum).toEqual(['if-match-required']);
    expect(schema('ErrorResponse').required).toEqual(['statusCode', 'error', 'message']);
    const ifMatch = save.parameters.find((parameter: Json) => parameter.name === 'If-Match');
    expect(new RegExp(ifMatch.schema.pattern).test('"3"')).toBe(true);
    expect(new RegExp(ifMatch.schema.pattern).test('')).toBe(false);
  });

  it("gives each error answer's `error` the enum of the codes the route can answer: the machinery's by status and the route's ErrorCodes", () => {
    const save = document.paths['/things/{thingId}'].put;
    const read = document.paths['/things/{thingId}'].get;
    const errorOf = (operation: Json, status: number): Json => {
      const name = operation.responses[String(status)].content['application/json'].schema.$ref.replace('#/components/schemas/', '');
      const [base, refinement] = schema(name).allOf;
      expect(base).toEqual({ $ref: '#/components/schemas/ErrorResponse' });
      expect(refinement.properties.statusCode.enum).toEqual([status]);
      return { name, codes: refinement.properties.error?.enum };
    };
    // The route's conflicts join the machinery's stale-revision, in a schema named after the route.
    expect(errorOf(save, 409)).toEqual({ name: 'ThingsSaveError409', codes: ['stale-revision', 'name-taken'] });
    expect(errorOf(save, 404)).toEqual({ name: 'ThingsSaveError404', codes: ['Not Found', 'thing-not-found'] });
    expect(errorOf(save, 400).codes).toEqual(['Bad Request', 'malformed-json', 'unreadable-body', 'name-too-rude']);
    // Machinery alone: one shared schema per status and code list.
    expect(errorOf(save, 401)).toEqual({ name: 'Error401', codes: ['Unauthorized'] });
    expect(errorOf(read, 401).name).toBe('Error401');
    expect(errorOf(save, 403)).toEqual({ name: 'Error403SalonScoped', codes: ['Forbidden', 'salon-not-yours'] });
    expect(errorOf(read, 403)).toEqual({ name: 'Error403', codes: ['Forbidden'] });
    expect(errorOf(save, 422).codes).toEqual(['idempotency-key-reused']);
    expect(errorOf(save, 503).codes).toEqual(['event-store-unavailable', 'idempotency-keys-unavailable', 'read-model-unavailable']);
    expect(errorOf(read, 503)).toEqual({ name: 'Error503', codes: ['read-model-unavailable'] });
    expect(errorOf(save, 410).codes).toEqual(['stream-deleted']);
    expect(errorOf(save, 500)).toEqual({ name: 'Error500', codes: ['Internal Server Error'] });
    // A 404 whose use-case codes the route does not name stays a free string; a 400 without the
    // route's own codes has the machinery's alone (error-codes.spec.ts checks the routes name theirs).
    expect(errorOf(read, 404)).toEqual({ name: 'Error404Unlisted', codes: undefined });
    expect(errorOf(read, 400)).toEqual({ name: 'Error400', codes: ['Bad Request'] });
    expect(schema('ErrorResponse').properties.error).toEqual({ type: 'string', example: 'Bad Request' });
  });

  it("answers the machinery's codes its enums name: a path id that is no UUID, a body that is no JSON", async () => {
    const enumOf = (operation: Json, status: number): string[] =>
      schema(operation.responses[String(status)].content['application/json'].schema.$ref.replace('#/components/schemas/', '')).allOf[1].properties.error.enum;
    const save = document.paths['/things/{thingId}'].put;
    const badId = await request(app.getHttpServer()).get('/things/not-an-id');
    expect(badId.status).toBe(400);
    expect(enumOf(save, 400)).toContain(badId.body.error);
    const badJson = await request(app.getHttpServer()).put('/things/6a2f41a3-c54c-4e6b-a8a4-37c6b0e5b3a1').set('content-type', 'application/json').send('{');
    expect(badJson.status).toBe(400);
    expect(enumOf(save, 400)).toContain(badJson.body.error);
  });

  it('says ETag on the success answers of exactly the routes that send one through ETagHeader, with their note', async () => {
    const etagOf = (path: string, method: string) => (document.paths[path][method].responses['200'].headers ?? {}).ETag;
    expect(etagOf('/things/{thingId}', 'put')).toMatchObject({ description: expect.stringMatching(/If-Match/), schema: { type: 'string', pattern: '^"-?\\d+"$' } });
    expect(etagOf('/things/current', 'get').description).toMatch(/ Absent before the first save\.$/);
    expect(etagOf('/things/{thingId}', 'get')).toBeUndefined();
    expect(etagOf('/things/literal', 'get')).toBeUndefined();
    expect(JSON.stringify(document)).not.toContain('x-sends-etag');
    const answer = await request(app.getHttpServer()).get('/things/current');
    expect(answer.status).toBe(200);
    expect(answer.headers.etag).toBe('"7"');
    expect(new RegExp(etagOf('/things/current', 'get').schema.pattern).test(answer.headers.etag)).toBe(true);
    // Nor does any other answer carry one: Express's own (a hash of the body) is switched off.
    const list = await request(app.getHttpServer()).get('/things');
    expect(list.status).toBe(200);
    expect(list.headers.etag).toBeUndefined();
  });

  it('gives a public route no 401/403/429 (only the 500 of every route)', () => {
    expect(Object.keys(document.paths['/things'].get.responses)).toEqual(['200', '500']);
  });

  it('answers a method the resource lacks with 405 and Allow, OPTIONS with 204 and Allow; an unknown path stays 404', async () => {
    const server = app.getHttpServer();
    const trace = await request(server).trace('/things/literal');
    expect(trace.status).toBe(405);
    expect(trace.headers.allow).toBe('GET, HEAD, OPTIONS');
    // /things/literal is no thing id: PUT /things/:thingId does not make it a resource with PUT.
    const put = await request(server).put('/things/literal').send({});
    expect(put.status).toBe(405);
    expect(put.body).toMatchObject({ statusCode: 405, error: 'method-not-allowed' });
    const options = await request(server).options('/things/6a2f41a3-c54c-4e6b-a8a4-37c6b0e5b3a1');
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe('GET, PUT, HEAD, OPTIONS');
    const unknown = await request(server).get('/nothing-here');
    expect(unknown.status).toBe(404);
    // What a path parameter left empty gets too (no route matches): the 404 enums name it.
    expect(unknown.body.error).toBe('Not Found');
    expect(schema('ThingsSaveError404').allOf[1].properties.error.enum).toContain(unknown.body.error);
  });
});
