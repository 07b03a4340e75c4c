import { breakingChanges, compatibilityVerdict, OpenApiDocument } from './compatibility';

/** A document with one route, PUT /things/{thingId}, whose parts each case changes. */
function documentWith(changes: { version?: string; body?: object; parameters?: object[]; answer?: object; paths?: object } = {}): OpenApiDocument {
  return {
    info: { version: changes.version ?? '1.0.0' },
    paths: (changes.paths ?? {
      '/things/{thingId}': {
        put: {
          parameters: changes.parameters ?? [{ name: 'thingId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingRequest' } } } },
          responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingView' } } } } },
        },
      },
    }) as OpenApiDocument['paths'],
    components: {
      schemas: {
        ThingRequest: (changes.body ?? {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: { name: { type: 'string', maxLength: 20 }, kind: { type: 'string', enum: ['a', 'b'] }, note: { type: 'string' } },
        }) as never,
        ThingView: (changes.answer ?? { type: 'object', required: ['thingId'], properties: { thingId: { type: 'string' }, name: { type: 'string' } } }) as never,
      },
    },
  };
}

const committed = documentWith();
const body = (properties: object, required = ['name']) => ({ type: 'object', additionalProperties: false, required, properties });

describe('breaking changes of an OpenAPI document', () => {
  it('finds none between a document and itself, nor in a new route or optional field', () => {
    expect(breakingChanges(committed, committed)).toEqual([]);
    const wider = documentWith({
      body: body({ name: { type: 'string', maxLength: 40 }, kind: { type: 'string', enum: ['a', 'b', 'c'] }, note: { type: 'string' }, extra: { type: 'string' } }),
    });
    expect(breakingChanges(committed, wider)).toEqual([]);
  });

  it.each([
    ['a removed route', documentWith({ paths: {} }), 'PUT /things/{thingId}: removed'],
    ['a new required body field', documentWith({ body: body({ name: { type: 'string', maxLength: 20 }, kind: { type: 'string', enum: ['a', 'b'] }, note: { type: 'string' }, code: { type: 'string' } }, ['name', 'code']) }), 'PUT /things/{thingId} body.code: now required'],
    ['a shorter maximum length', documentWith({ body: body({ name: { type: 'string', maxLength: 10 }, kind: { type: 'string', enum: ['a', 'b'] }, note: { type: 'string' } }) }), 'PUT /things/{thingId} body.name: maxLength 20 → 10'],
    ['an enum value gone', documentWith({ body: body({ name: { type: 'string', maxLength: 20 }, kind: { type: 'string', enum: ['a'] }, note: { type: 'string' } }) }), 'PUT /things/{thingId} body.kind: no longer accepts ["b"]'],
    ['a field no longer accepted', documentWith({ body: body({ name: { type: 'string', maxLength: 20 }, kind: { type: 'string', enum: ['a', 'b'] } }) }), 'PUT /things/{thingId} body.note: no longer accepted'],
    ['a changed type', documentWith({ body: body({ name: { type: 'integer' }, kind: { type: 'string', enum: ['a', 'b'] }, note: { type: 'string' } }) }), 'PUT /things/{thingId} body.name: type string became integer'],
    ['a new required header', documentWith({ parameters: [{ name: 'thingId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }, { name: 'If-Match', in: 'header', required: true, schema: { type: 'string' } }] }), 'PUT /things/{thingId} header parameter If-Match: new and required'],
    ['an answer field removed', documentWith({ answer: { type: 'object', required: ['thingId'], properties: { thingId: { type: 'string' } } } }), 'PUT /things/{thingId} 200 application/json.name: removed'],
    ['an answer field no longer always there', documentWith({ answer: { type: 'object', properties: { thingId: { type: 'string' }, name: { type: 'string' } } } }), 'PUT /things/{thingId} 200 application/json.thingId: no longer always present'],
  ])('finds %s', (_case, changed, expected) => {
    expect(breakingChanges(committed, changed)).toContain(expected);
  });

  it("finds none in an error answer's `error` enum introduced where it was a free string, nor in a code added to it later", () => {
    const withConflict = (error: object): OpenApiDocument =>
      documentWith({
        paths: {
          '/things/{thingId}': {
            put: {
              responses: {
                '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingView' } } } },
                '409': { content: { 'application/json': { schema: { type: 'object', required: ['statusCode', 'error'], properties: { statusCode: { type: 'integer', enum: [409] }, error } } } } },
              },
            },
          },
        },
      });
    const free = withConflict({ type: 'string' });
    const listed = withConflict({ type: 'string', enum: ['stale-revision', 'name-taken'] });
    const more = withConflict({ type: 'string', enum: ['stale-revision', 'name-taken', 'name-reserved'] });
    // A client handles any 4xx by its status and the codes it knows (docs/api-versioning.md).
    expect(breakingChanges(free, listed)).toEqual([]);
    expect(breakingChanges(listed, more)).toEqual([]);
  });

  it('lets a breaking change through only with a new major version', () => {
    const removed = documentWith({ paths: {} });
    expect(compatibilityVerdict(committed, removed).ok).toBe(false);
    expect(compatibilityVerdict(committed, { ...removed, info: { version: '1.1.0' } }).ok).toBe(false);
    expect(compatibilityVerdict(committed, { ...removed, info: { version: '2.0.0' } })).toEqual({ ok: true, breaks: ['PUT /things/{thingId}: removed'] });
  });
});
