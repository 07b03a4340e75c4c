import type { Document } from 'mongodb';
import { IncomingMessage } from './integration-message';
import { DOCUMENT_VERSION_FIELD, Projection, ReadModelDocument, logicalMessage } from './projection';

const DEFAULT_REVISION_PATH: readonly string[] = ['revision'];

/** The document after some messages, and how many of them it had not seen yet. */
export interface Folded<D extends ReadModelDocument> {
  readonly document: D | null;
  readonly applied: number;
}

/**
 * Applies a document's messages in order, each once: a message whose stream revision the
 * document already holds (at the projection's revision path) is skipped, every other goes
 * through `evolve` and its revision is recorded. Pure; the runner and rebuilds share it, so a
 * document folded live in many batches equals the one a rebuild folds at once.
 */
export function foldDocument<D extends ReadModelDocument>(
  projection: Pick<Projection<D>, 'evolve' | 'revisionPath'>,
  stored: D | null,
  messages: readonly IncomingMessage[],
): Folded<D> {
  let document = stored;
  let applied = 0;
  for (const message of messages) {
    const path = projection.revisionPath?.(message) ?? DEFAULT_REVISION_PATH;
    const revision = Number(message.streamRevision);
    const seen = document === null ? undefined : numberAt(document, path);
    if (seen !== undefined && seen >= revision) continue;
    const next = projection.evolve(document, message);
    applied += 1;
    if (next === null) {
      document = null;
      continue;
    }
    const recorded = setAt(next as Document, path, revision);
    if (projection.revisionPath) {
      // Each applied message raises its stream's revision, so the sum only grows: a compare-and-set
      // field that is the same however the messages were batched.
      const version = numberAt(document ?? {}, [DOCUMENT_VERSION_FIELD]) ?? 0;
      (recorded as Document)[DOCUMENT_VERSION_FIELD] = version + revision - (seen ?? -1);
    }
    document = recorded as D;
  }
  return { document, applied };
}

/** What the projection handles of a batch, with topics as it names them. */
export function handledMessages(projection: Pick<Projection, 'canHandle' | 'topicPrefix'>, messages: readonly IncomingMessage[]): IncomingMessage[] {
  return messages.map((message) => logicalMessage(message, projection.topicPrefix)).filter((message) => projection.canHandle(message));
}

/**
 * Projects messages in memory, into `documents` (id → document, null once deleted): what the
 * runner would write, without a database. Rebuilds fold whole streams with it, and projection
 * tests read as given (messages) / then (documents).
 */
export async function projectInMemory<D extends ReadModelDocument>(
  projection: Projection<D>,
  messages: readonly IncomingMessage[],
  documents: Map<string, D | null> = new Map(),
): Promise<Map<string, D | null>> {
  const handled = handledMessages(projection, messages);
  for (const message of projection.decode ? await projection.decode(handled) : handled) {
    const id = projection.documentId(message);
    documents.set(id, foldDocument(projection, documents.get(id) ?? null, [message]).document);
  }
  return documents;
}

/** The compare-and-set field of a projection's documents. */
export function casFieldOf(projection: Pick<Projection, 'revisionPath'>): string {
  return projection.revisionPath ? DOCUMENT_VERSION_FIELD : 'revision';
}

/** The messages of a batch per document id, each list in message order. */
export function groupByDocument(projection: Pick<Projection, 'documentId'>, messages: readonly IncomingMessage[]): Map<string, IncomingMessage[]> {
  const groups = new Map<string, IncomingMessage[]>();
  for (const message of messages) {
    const id = projection.documentId(message);
    const group = groups.get(id);
    if (group) group.push(message);
    else groups.set(id, [message]);
  }
  return groups;
}

/**
 * The document as it is stored: `_id` first, and no undefined fields (the driver would store them
 * as null, and the next fold would then see null where this one saw nothing).
 */
export function storable<D extends ReadModelDocument>(id: string, document: D): D {
  const stored: Document = { _id: id };
  for (const [field, value] of Object.entries(document)) {
    if (field !== '_id' && value !== undefined) stored[field] = value;
  }
  return stored as D;
}

function numberAt(document: Document, path: readonly string[]): number | undefined {
  let value: unknown = document;
  for (const field of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Document)[field];
  }
  return typeof value === 'number' ? value : undefined;
}

/** A copy of the document with `value` at `path`, copying the objects along the path only. */
function setAt(document: Document, path: readonly string[], value: number): Document {
  const [field, ...rest] = path;
  const copy = { ...document };
  if (rest.length === 0) copy[field] = value;
  else {
    const inner = copy[field];
    copy[field] = setAt(typeof inner === 'object' && inner !== null ? (inner as Document) : {}, rest, value);
  }
  return copy;
}
