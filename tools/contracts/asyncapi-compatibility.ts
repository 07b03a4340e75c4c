/**
 * What in a new AsyncAPI document breaks a consumer of a topic the old one described
 * (docs/api-versioning.md, "Events", has the rules). An HTTP answer is read once; a message stays on
 * its topic for ever and a new consumer group, or a rebuilt read model, reads the topic from the
 * beginning. So one schema must describe every message ever published on the topic, old and new:
 * on a topic both documents describe, the set of messages a schema admits may grow only by new
 * optional fields and new messages (an `event-type` a consumer does not handle, it skips). Anything
 * else is a break: a message or field removed, a field made required or no longer always there, a
 * type, fixed value, format, pattern or bound changed, an enum value removed or added (consumers
 * switch over the values they are given), the key, a header or the topic's partitions or clean-up
 * policy changed, a topic removed.
 *
 * A change a consumer of the topic could not read goes on a new topic, the next major
 * (`….v2`, TOPICS): a channel whose address the old document does not have is new, so nothing of it
 * is a break. Retiring the old topic is the one break a version allows: its document's major version
 * raised (`info.version`). Pure: documents in, lines out.
 */

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: unknown;
};

interface Message {
  readonly $ref?: string;
  readonly contentType?: string;
  readonly headers?: Schema;
  readonly payload?: Schema;
  readonly bindings?: { readonly kafka?: { readonly key?: Schema } };
}

interface Channel {
  readonly address?: string;
  readonly messages?: Record<string, Message>;
  readonly bindings?: { readonly kafka?: { readonly partitions?: number; readonly topicConfiguration?: Record<string, unknown> } };
}

export interface AsyncApiDocument {
  readonly info?: { readonly version?: string };
  readonly channels?: Record<string, Channel>;
  readonly components?: Record<string, unknown>;
}

/** One break: `retiresTopic` when a whole topic is gone (a raised major version allows that one). */
export interface AsyncApiBreak {
  readonly line: string;
  readonly retiresTopic: boolean;
}

/** Keywords that bound a value: any change says something else about the messages on the topic. */
const BOUNDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems'];

/** The major version of a document (`info.version`, e.g. "1.2.0" → 1). */
export function majorVersionOf(document: AsyncApiDocument): number {
  return Number.parseInt(String(document.info?.version ?? '0'), 10) || 0;
}

/** A local reference (`#/components/schemas/X`, `#/components/messages/X`) of the document. */
function pointed(document: AsyncApiDocument, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), document);
}

function typesOf(schema: Schema): string[] | undefined {
  if (schema.type === undefined) return undefined;
  return (Array.isArray(schema.type) ? [...schema.type] : [schema.type]).sort();
}

const shown = (value: unknown) => JSON.stringify(value);

class Comparison {
  readonly breaks: AsyncApiBreak[] = [];

  constructor(
    private readonly before: AsyncApiDocument,
    private readonly after: AsyncApiDocument,
  ) {}

  private broken(line: string, retiresTopic = false): void {
    this.breaks.push({ line, retiresTopic });
  }

  /**
   * A schema with its reference followed (sibling keywords such as a description kept) and an
   * `anyOf` of one schema and `null` read as that schema with `null` among its types.
   */
  private normalized(document: AsyncApiDocument, schema: Schema | undefined, seen: ReadonlySet<string>): { schema?: Schema; seen: ReadonlySet<string> } {
    let node = schema;
    let trail = seen;
    while (node?.$ref) {
      if (trail.has(node.$ref)) return { schema: {}, seen: trail };
      trail = new Set([...trail, node.$ref]);
      const { $ref, ...siblings } = node;
      const target = pointed(document, $ref) as Schema | undefined;
      node = target ? { ...target, ...siblings } : undefined;
    }
    if (!node) return { schema: undefined, seen: trail };
    const alternatives = node.anyOf ?? node.oneOf;
    if (alternatives) {
      const isNull = (branch: Schema) => branch.type === 'null' && Object.keys(branch).every((key) => key === 'type' || key === 'description');
      const others = alternatives.filter((branch) => !isNull(branch));
      if (others.length === 1 && others.length < alternatives.length) {
        const { anyOf: _any, oneOf: _one, ...rest } = node;
        const inner = this.normalized(document, others[0], trail);
        const types = typesOf(inner.schema ?? {});
        return { schema: { ...inner.schema, ...rest, ...(types ? { type: [...types, 'null'] } : {}) }, seen: inner.seen };
      }
    }
    return { schema: node, seen: trail };
  }

  /** Every message of the topic, old and new, must fit one schema: what it admits may only gain optional fields. */
  schema(where: string, oldRaw: Schema | undefined, newRaw: Schema | undefined, seenBefore: ReadonlySet<string> = new Set(), seenAfter: ReadonlySet<string> = new Set()): void {
    const oldSide = this.normalized(this.before, oldRaw, seenBefore);
    const newSide = this.normalized(this.after, newRaw, seenAfter);
    const old = oldSide.schema;
    const next = newSide.schema;
    if (!old) return;
    if (!next) {
      this.broken(`${where}: no longer described`);
      return;
    }
    const recurse = (path: string, a: Schema | undefined, b: Schema | undefined) => this.schema(path, a, b, oldSide.seen, newSide.seen);

    const oldTypes = typesOf(old);
    const newTypes = typesOf(next);
    if (shown(oldTypes) !== shown(newTypes)) {
      this.broken(`${where}: type ${oldTypes?.join(' or ') ?? 'any'} became ${newTypes?.join(' or ') ?? 'any'}`);
    }
    if (shown(old.const) !== shown(next.const)) {
      this.broken(`${where}: fixed value ${'const' in old ? shown(old.const) : 'none'} became ${'const' in next ? shown(next.const) : 'none'}`);
    }
    if (old.enum || next.enum) {
      if (!old.enum) this.broken(`${where}: now limited to ${shown(next.enum)} (messages on the topic may carry other values)`);
      else if (!next.enum) this.broken(`${where}: no longer limited to ${shown(old.enum)} (a consumer handles every value it is given)`);
      else {
        const removed = old.enum.filter((value) => !next.enum?.some((other) => shown(other) === shown(value)));
        const added = next.enum.filter((value) => !old.enum?.some((other) => shown(other) === shown(value)));
        if (removed.length) this.broken(`${where}: ${shown(removed)} no longer listed (messages on the topic carry them)`);
        if (added.length) this.broken(`${where}: may now be ${shown(added)} (a consumer handles every value it is given)`);
      }
    }
    for (const key of ['format', 'pattern', ...BOUNDS]) {
      if (shown(old[key]) !== shown(next[key])) {
        this.broken(`${where}: ${key} ${key in old ? shown(old[key]) : 'none'} became ${key in next ? shown(next[key]) : 'none'}`);
      }
    }
    if (next.additionalProperties === false && old.additionalProperties !== false) {
      this.broken(`${where}: no longer admits fields it does not name (so no field can be added to v1)`);
    }

    const oldRequired = new Set(old.required ?? []);
    const newRequired = new Set(next.required ?? []);
    for (const [field, schema] of Object.entries(old.properties ?? {})) {
      const after = next.properties?.[field];
      if (!after) {
        this.broken(`${where}.${field}: removed (messages on the topic carry it)`);
        continue;
      }
      if (oldRequired.has(field) && !newRequired.has(field)) this.broken(`${where}.${field}: no longer always present`);
      if (!oldRequired.has(field) && newRequired.has(field)) this.broken(`${where}.${field}: now required (messages already on the topic may lack it)`);
      recurse(`${where}.${field}`, schema, after);
    }
    for (const field of newRequired) {
      if (!old.properties?.[field]) this.broken(`${where}.${field}: new and required (messages already on the topic lack it)`);
    }
    if (old.items || next.items) recurse(`${where}[]`, old.items, next.items);

    for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
      const before = old[keyword];
      const after = next[keyword];
      if (!before && !after) continue;
      if (!before || !after || before.length !== after.length) {
        this.broken(`${where}: ${keyword} of ${before?.length ?? 0} became ${after?.length ?? 0} alternatives`);
        continue;
      }
      before.forEach((branch, index) => recurse(`${where} ${keyword}[${index}]`, branch, after[index]));
    }
  }

  private message(document: AsyncApiDocument, message: Message | undefined): Message | undefined {
    return message?.$ref ? (pointed(document, message.$ref) as Message | undefined) : message;
  }

  channel(topic: string, old: Channel, next: Channel): void {
    const oldKafka = old.bindings?.kafka;
    const newKafka = next.bindings?.kafka;
    if (oldKafka?.partitions !== undefined && oldKafka.partitions !== newKafka?.partitions) {
      this.broken(`${topic}: partitions ${oldKafka.partitions} became ${newKafka?.partitions ?? 'none'} (a key may move to another partition, so its order is lost)`);
    }
    const oldPolicy = oldKafka?.topicConfiguration?.['cleanup.policy'];
    const newPolicy = newKafka?.topicConfiguration?.['cleanup.policy'];
    if (shown(oldPolicy) !== shown(newPolicy)) this.broken(`${topic}: cleanup.policy ${shown(oldPolicy)} became ${shown(newPolicy)}`);

    for (const [name, reference] of Object.entries(old.messages ?? {})) {
      const before = this.message(this.before, reference);
      const after = this.message(this.after, next.messages?.[name]);
      const where = `${topic} ${name}`;
      if (!before) continue;
      if (!after) {
        this.broken(`${where}: no longer published (messages on the topic carry it)`);
        continue;
      }
      if (before.contentType !== after.contentType) this.broken(`${where}: contentType ${shown(before.contentType)} became ${shown(after.contentType)}`);
      this.schema(`${where} key`, before.bindings?.kafka?.key, after.bindings?.kafka?.key);
      this.schema(`${where} headers`, before.headers, after.headers);
      this.schema(`${where} payload`, before.payload, after.payload);
    }
  }

  run(): AsyncApiBreak[] {
    const byAddress = (document: AsyncApiDocument) =>
      new Map(Object.entries(document.channels ?? {}).map(([id, channel]) => [channel.address ?? id, channel] as const));
    const after = byAddress(this.after);
    for (const [topic, channel] of byAddress(this.before)) {
      const next = after.get(topic);
      if (!next) this.broken(`${topic}: topic removed`, true);
      else this.channel(topic, channel, next);
    }
    return this.breaks;
  }
}

/** The changes from `before` to `after` that break a consumer of a topic `before` describes. */
export function asyncApiBreaks(before: AsyncApiDocument, after: AsyncApiDocument): AsyncApiBreak[] {
  return new Comparison(before, after).run();
}

/** The same, one line each. */
export function breakingChanges(before: AsyncApiDocument, after: AsyncApiDocument): string[] {
  return asyncApiBreaks(before, after).map((found) => found.line);
}

/**
 * Whether `after` may replace `before` as the committed document: no break, or only topics
 * retired with a raised major version. A break of a topic that stays is never allowed by a
 * version: it goes on a new topic.
 */
export function compatibilityVerdict(before: AsyncApiDocument, after: AsyncApiDocument): { ok: boolean; breaks: string[] } {
  const found = asyncApiBreaks(before, after);
  const retiringAllowed = majorVersionOf(after) > majorVersionOf(before);
  return { ok: found.every((one) => one.retiresTopic && retiringAllowed), breaks: found.map((one) => one.line) };
}
