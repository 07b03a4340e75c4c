import { CursorCodec } from '@salon/shared/crypto';
import { DomainError } from '@salon/shared/ddd';
import { decodeSearchCursor, encodeSearchCursor } from './search-position';

describe('search cursor', () => {
  const cursors = CursorCodec.fromMasterKey(Buffer.alloc(32, 7));
  const encodeCursor = (position: Parameters<typeof encodeSearchCursor>[1]) => encodeSearchCursor(cursors, position);
  const decodeCursor = (cursor: string, sort: 'name' | 'lastVisit') => decodeSearchCursor(cursors, cursor, sort);

  it('reads back the position it was made from, for both sort orders', () => {
    const byName = { sort: 'name' as const, sortName: 'łucja ёлкина', id: 'c-1' };
    const byVisit = { sort: 'lastVisit' as const, lastVisitAt: new Date('2025-04-01T08:30:00.000Z'), id: 'c-2' };
    const neverVisited = { sort: 'lastVisit' as const, lastVisitAt: null, id: 'c-3' };
    expect(decodeCursor(encodeCursor(byName), 'name')).toEqual(byName);
    expect(decodeCursor(encodeCursor(byVisit), 'lastVisit')).toEqual(byVisit);
    expect(decodeCursor(encodeCursor(neverVisited), 'lastVisit')).toEqual(neverVisited);
  });

  it('is URL-safe text', () => {
    expect(encodeCursor({ sort: 'name', sortName: '??>>~~ ünïcode', id: 'c-1' })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('shows nothing of the client’s name', () => {
    const sortName = 'łucja ёлкина';
    const cursor = encodeCursor({ sort: 'name', sortName, id: 'c-1' });
    for (const form of [sortName, Buffer.from(sortName).toString('base64'), Buffer.from(sortName).toString('base64url')]) {
      expect(cursor).not.toContain(form);
    }
  });

  const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it.each<[string, string, ('name' | 'lastVisit')?]>([
    ['not base64url', 'abc+/='],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['unsealed (the old format)', base64url({ s: 'name', k: ['anna', 'c-1'] })],
    ['another shape', cursors.encode('name', ['anna'])],
    ['a non-text id', cursors.encode('name', ['anna', 42])],
    ['an unknown sort', cursors.encode('age', [30, 'c-1'])],
    ['a date that is no date', cursors.encode('lastVisit', ['yesterday', 'c-1']), 'lastVisit'],
    ['far too long', 'A'.repeat(5000)],
    ['of another sort order', encodeCursor({ sort: 'lastVisit', lastVisitAt: null, id: 'c-1' })],
    ['of another master key', encodeSearchCursor(CursorCodec.fromMasterKey(Buffer.alloc(32, 8)), { sort: 'name', sortName: 'anna', id: 'c-1' })],
  ])('refuses a cursor that is %s, naming the field', (_case, cursor, sort = 'name') => {
    let thrown: unknown;
    try {
      decodeCursor(cursor, sort);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({ kind: 'invalid', code: 'invalid-cursor', details: { field: 'cursor' } });
  });
});
