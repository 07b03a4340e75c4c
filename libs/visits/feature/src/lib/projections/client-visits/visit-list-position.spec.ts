import { CursorCodec } from '@salon/shared/crypto';
import { decodeVisitCursor, encodeVisitCursor } from './visit-list-position';

describe('visit cursor', () => {
  const cursors = CursorCodec.fromMasterKey(Buffer.alloc(32, 7));
  const position = { sort: 'date' as const, startsAt: new Date('2025-11-05T10:00:00.000Z'), id: 'visit-1' };

  it('round-trips a position as opaque base64url', () => {
    const cursor = encodeVisitCursor(cursors, position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(Buffer.from('visit-1').toString('base64url'));
    expect(decodeVisitCursor(cursors, cursor, 'date')).toEqual(position);
  });

  it.each([
    ['', ''],
    ['abc', 'abc'],
    ['!!!', '!!!'],
    ['unsealed (the old format)', Buffer.from('{"s":"date","k":["2025-11-05T10:00:00.000Z","x"]}').toString('base64url')],
    ['a date that is no date', cursors.encode('date', ['yesterday', 'x'])],
    ['an empty id', cursors.encode('date', ['2025-11-05T10:00:00.000Z', ''])],
    ['a sort of another list', cursors.encode('name', ['2025-11-05T10:00:00.000Z', 'x'])],
  ])('refuses %s naming the field cursor', (_case, cursor) => {
    expect(() => decodeVisitCursor(cursors, cursor, 'date')).toThrow(expect.objectContaining({ kind: 'invalid', details: { field: 'cursor' } }));
  });

  it('refuses a cursor of another sort', () => {
    expect(() => decodeVisitCursor(cursors, encodeVisitCursor(cursors, position), 'dateAsc')).toThrow(expect.objectContaining({ code: 'invalid-cursor' }));
  });
});
