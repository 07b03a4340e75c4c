import { DomainError } from '@salon/shared/ddd';
import { decodeCursor, encodeCursor } from './search-cursor';

describe('search cursor', () => {
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

  const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it.each([
    ['not base64url', 'abc+/='],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['another shape', base64url({ s: 'name', k: ['anna'] })],
    ['a non-text id', base64url({ s: 'name', k: ['anna', 42] })],
    ['an unknown sort', base64url({ s: 'age', k: [30, 'c-1'] })],
    ['a date that is no date', base64url({ s: 'lastVisit', k: ['yesterday', 'c-1'] })],
    ['far too long', 'A'.repeat(5000)],
    ['of another sort order', encodeCursor({ sort: 'lastVisit', lastVisitAt: null, id: 'c-1' })],
  ])('refuses a cursor that is %s, naming the field', (_case, cursor) => {
    let thrown: unknown;
    try {
      decodeCursor(cursor, 'name');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({ kind: 'invalid', code: 'invalid-cursor', details: { field: 'cursor' } });
  });
});
