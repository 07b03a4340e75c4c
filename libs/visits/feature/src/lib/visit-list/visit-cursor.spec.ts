import { decodeVisitCursor, encodeVisitCursor } from './visit-cursor';

describe('visit cursor', () => {
  const position = { sort: 'date' as const, startsAt: new Date('2025-11-05T10:00:00.000Z'), id: 'visit-1' };

  it('round-trips a position as opaque base64url', () => {
    const cursor = encodeVisitCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeVisitCursor(cursor, 'date')).toEqual(position);
  });

  it.each(['', 'abc', '!!!', Buffer.from('{"s":"date","k":["yesterday","x"]}').toString('base64url'), Buffer.from('{"s":"name","k":["2025-11-05T10:00:00.000Z","x"]}').toString('base64url')])(
    'refuses %j naming the field cursor',
    (cursor) => {
      expect(() => decodeVisitCursor(cursor, 'date')).toThrow(expect.objectContaining({ kind: 'invalid', details: { field: 'cursor' } }));
    },
  );

  it('refuses a cursor of another sort', () => {
    expect(() => decodeVisitCursor(encodeVisitCursor(position), 'dateAsc')).toThrow(expect.objectContaining({ code: 'invalid-cursor' }));
  });
});
