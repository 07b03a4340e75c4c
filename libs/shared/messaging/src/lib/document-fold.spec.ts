import { DOCUMENT_VERSION_FIELD, Projection, ReadModelDocument } from './projection';
import { IncomingMessage } from './integration-message';
import { foldDocument, groupByDocument, storable } from './document-fold';

interface Tally extends ReadModelDocument {
  notes: string[];
}

const message = (key: string, revision: number, topic = 'main'): IncomingMessage =>
  ({ topic, partition: 0, offset: '0', key, eventId: `${key}-${revision}`, eventType: 'Noted', schemaVersion: 1, tenantId: 't', correlationId: 'c', causationId: 'c', streamRevision: BigInt(revision), data: `${topic}${revision}` }) as IncomingMessage;

const tally: Pick<Projection<Tally>, 'evolve' | 'revisionPath' | 'documentId'> = {
  documentId: (m) => m.key,
  evolve: (document, m) => ({ ...document, _id: m.key, notes: [...(document?.notes ?? []), String(m.data)] }),
};

describe('foldDocument', () => {
  it('applies each message once, in order, and records its revision', () => {
    const { document, applied } = foldDocument(tally, null, [message('a', 0), message('a', 1), message('a', 1), message('a', 0), message('a', 2)]);
    expect(applied).toBe(3);
    expect(document).toEqual({ _id: 'a', notes: ['main0', 'main1', 'main2'], revision: 2 });
  });

  it('skips what the stored document already holds and leaves it untouched', () => {
    const stored: Tally = { _id: 'a', notes: ['main0'], revision: 0 };
    expect(foldDocument(tally, stored, [message('a', 0)])).toEqual({ document: stored, applied: 0 });
    expect(stored).toEqual({ _id: 'a', notes: ['main0'], revision: 0 });
  });

  it('keeps a revision per source and a version that does not depend on the order the sources came in', () => {
    const sources = { ...tally, revisionPath: (m: IncomingMessage) => (m.topic === 'main' ? ['revision'] : ['visits', m.key + m.topic]) };
    const main = [message('a', 0), message('a', 1)];
    const side = [message('a', 0, 'x'), message('a', 4, 'x'), message('a', 0, 'y')];
    const oneWay = foldDocument(sources, null, [...main, ...side]).document;
    const otherWay = foldDocument(sources, foldDocument(sources, null, side).document, [...main, side[0]]).document;
    expect(oneWay).toMatchObject({ revision: 1, visits: { ax: 4, ay: 0 }, [DOCUMENT_VERSION_FIELD]: 2 + 5 + 1 });
    expect(otherWay?.[DOCUMENT_VERSION_FIELD]).toBe(oneWay?.[DOCUMENT_VERSION_FIELD]);
  });

  it('forgets a document evolve deletes', () => {
    const deleting = { ...tally, evolve: (document: Tally | null, m: IncomingMessage) => (m.streamRevision === 1n ? null : tally.evolve(document, m)) };
    expect(foldDocument(deleting, null, [message('a', 0), message('a', 1)])).toEqual({ document: null, applied: 2 });
  });
});

describe('groupByDocument and storable', () => {
  it('groups in message order and stores _id first, without undefined fields', () => {
    expect([...groupByDocument(tally, [message('a', 0), message('b', 0), message('a', 1)])].map(([id, list]) => [id, list.length])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(Object.keys(storable('a', { notes: [], gone: undefined, _id: 'a' } as Tally))).toEqual(['_id', 'notes']);
  });
});
