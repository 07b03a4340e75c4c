/**
 * What in a new OpenAPI document breaks a client written against the old one (docs/api-versioning.md
 * has the rules): a route or success status gone; a parameter or body field a client must now send;
 * what a request may carry narrowed (a type changed, an enum value gone, a length, range or
 * pattern tightened, a field no longer accepted); what a success answer carries taken away (a
 * field gone or no longer always there, a type changed, an enum value added to an answer). New
 * routes, optional fields and wider request rules are compatible.
 */

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
};

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema?: Schema;
}

interface Operation {
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly required?: boolean; readonly content?: Record<string, { schema?: Schema }> };
  readonly responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

export interface OpenApiDocument {
  readonly info?: { readonly version?: string };
  readonly paths?: Record<string, Record<string, unknown>>;
  readonly components?: { readonly schemas?: Record<string, Schema> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** The major version of a document (`info.version`, e.g. "1.2.0" → 1). */
export function majorVersionOf(document: OpenApiDocument): number {
  return Number.parseInt(String(document.info?.version ?? '0'), 10) || 0;
}

class Comparison {
  readonly breaks: string[] = [];

  constructor(
    private readonly before: OpenApiDocument,
    private readonly after: OpenApiDocument,
  ) {}

  private resolve(document: OpenApiDocument, schema: Schema | undefined, seen = new Set<string>()): Schema | undefined {
    if (!schema) return undefined;
    if (schema.$ref) {
      if (seen.has(schema.$ref)) return {};
      seen.add(schema.$ref);
      return this.resolve(document, document.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')], seen);
    }
    if (schema.allOf?.length) {
      // The parts of an allOf, merged: enough for the shapes these documents use.
      return schema.allOf.reduce<Schema>((merged, part) => {
        const resolved = this.resolve(document, part, seen) ?? {};
        return {
          ...merged,
          ...resolved,
          properties: { ...merged.properties, ...resolved.properties },
          required: [...(merged.required ?? []), ...(resolved.required ?? [])],
        };
      }, {});
    }
    return schema;
  }

  /** A request schema (what a client sends): the new one must accept everything the old one did. */
  request(where: string, oldRaw: Schema | undefined, newRaw: Schema | undefined, depth = 0): void {
    const old = this.resolve(this.before, oldRaw);
    const next = this.resolve(this.after, newRaw);
    if (!old || !next || depth > 8) return;
    if (old.type && next.type && old.type !== next.type && !(old.type === 'integer' && next.type === 'number')) {
      this.breaks.push(`${where}: type ${old.type} became ${next.type}`);
    }
    if (next.enum) {
      const removed = (old.enum ?? []).filter((value) => !next.enum?.includes(value));
      if (!old.enum) this.breaks.push(`${where}: now limited to ${JSON.stringify(next.enum)}`);
      else if (removed.length) this.breaks.push(`${where}: no longer accepts ${JSON.stringify(removed)}`);
    }
    const tighter = (key: string, direction: 'max' | 'min') => {
      const before = old[key];
      const after = next[key];
      if (typeof after !== 'number') return;
      if (typeof before !== 'number' || (direction === 'max' ? after < before : after > before)) {
        this.breaks.push(`${where}: ${key} ${typeof before === 'number' ? `${before} → ` : 'now '}${after}`);
      }
    };
    for (const key of ['maxLength', 'maximum', 'maxItems']) tighter(key, 'max');
    for (const key of ['minLength', 'minimum', 'minItems']) tighter(key, 'min');
    if (typeof next.pattern === 'string' && next.pattern !== old.pattern) this.breaks.push(`${where}: pattern now ${next.pattern}`);
    if (typeof next.format === 'string' && next.format !== old.format) this.breaks.push(`${where}: format now ${next.format}`);
    if (next.additionalProperties === false && old.additionalProperties !== false && old.type === 'object') {
      this.breaks.push(`${where}: no longer accepts fields it does not name`);
    }
    for (const field of next.required ?? []) {
      if (!(old.required ?? []).includes(field)) this.breaks.push(`${where}.${field}: now required`);
    }
    for (const [field, schema] of Object.entries(old.properties ?? {})) {
      const after = next.properties?.[field];
      if (!after) {
        if (next.additionalProperties === false) this.breaks.push(`${where}.${field}: no longer accepted`);
        continue;
      }
      this.request(`${where}.${field}`, schema, after, depth + 1);
    }
    if (old.items && next.items) this.request(`${where}[]`, old.items, next.items, depth + 1);
  }

  /** A response schema (what a client reads): the new one must still give everything the old one promised. */
  response(where: string, oldRaw: Schema | undefined, newRaw: Schema | undefined, depth = 0): void {
    const old = this.resolve(this.before, oldRaw);
    const next = this.resolve(this.after, newRaw);
    if (!old || depth > 8) return;
    if (!next) {
      this.breaks.push(`${where}: no longer described`);
      return;
    }
    if (old.type && next.type && old.type !== next.type) this.breaks.push(`${where}: type ${old.type} became ${next.type}`);
    if (old.enum && next.enum) {
      const added = next.enum.filter((value) => !old.enum?.includes(value));
      if (added.length) this.breaks.push(`${where}: may now be ${JSON.stringify(added)}`);
    }
    for (const field of old.required ?? []) {
      if (!(next.required ?? []).includes(field)) this.breaks.push(`${where}.${field}: no longer always present`);
    }
    for (const [field, schema] of Object.entries(old.properties ?? {})) {
      const after = next.properties?.[field];
      if (!after) this.breaks.push(`${where}.${field}: removed`);
      else this.response(`${where}.${field}`, schema, after, depth + 1);
    }
    if (old.items) this.response(`${where}[]`, old.items, next.items, depth + 1);
  }

  operation(label: string, old: Operation, next: Operation): void {
    const key = (parameter: Parameter) => `${parameter.in}:${parameter.name.toLowerCase()}`;
    const oldParameters = new Map((old.parameters ?? []).map((parameter) => [key(parameter), parameter]));
    for (const parameter of next.parameters ?? []) {
      const before = oldParameters.get(key(parameter));
      const where = `${label} ${parameter.in} parameter ${parameter.name}`;
      if (!before) {
        if (parameter.required) this.breaks.push(`${where}: new and required`);
        continue;
      }
      if (parameter.required && !before.required) this.breaks.push(`${where}: now required`);
      this.request(where, before.schema, parameter.schema);
    }
    const oldBody = old.requestBody?.content?.['application/json']?.schema;
    const newBody = next.requestBody?.content?.['application/json']?.schema;
    if (!old.requestBody && next.requestBody?.required) this.breaks.push(`${label}: now requires a body`);
    if (oldBody && newBody) this.request(`${label} body`, oldBody, newBody);
    for (const [status, response] of Object.entries(old.responses ?? {})) {
      if (!status.startsWith('2')) continue;
      const after = next.responses?.[status];
      if (!after) {
        this.breaks.push(`${label}: no longer answers ${status}`);
        continue;
      }
      for (const [mediaType, content] of Object.entries(response.content ?? {})) {
        this.response(`${label} ${status} ${mediaType}`, content.schema, after.content?.[mediaType]?.schema);
      }
    }
  }

  run(): string[] {
    for (const [path, item] of Object.entries(this.before.paths ?? {})) {
      for (const method of METHODS) {
        const old = item[method] as Operation | undefined;
        if (!old) continue;
        const label = `${method.toUpperCase()} ${path}`;
        const next = this.after.paths?.[path]?.[method] as Operation | undefined;
        if (!next) this.breaks.push(`${label}: removed`);
        else this.operation(label, old, next);
      }
    }
    return this.breaks;
  }
}

/** The changes from `before` to `after` that break a client of `before`, one line each. */
export function breakingChanges(before: OpenApiDocument, after: OpenApiDocument): string[] {
  return new Comparison(before, after).run();
}

/**
 * Whether `after` may replace `before` as the committed document: no breaking change, or one
 * that comes with a new major version (a v2 of the API).
 */
export function compatibilityVerdict(before: OpenApiDocument, after: OpenApiDocument): { ok: boolean; breaks: string[] } {
  const breaks = breakingChanges(before, after);
  return { ok: breaks.length === 0 || majorVersionOf(after) > majorVersionOf(before), breaks };
}
