import { DomainError } from '@salon/shared/ddd';
import { CursorCodec, MAX_CURSOR_LENGTH } from './cursor-codec';

const MASTER_KEY = Buffer.alloc(32, 7);
const OTHER_MASTER_KEY = Buffer.alloc(32, 8);

/** The validator of a use that writes [name, id]. */
const nameAndId = (values: readonly unknown[]) =>
  values.length === 2 && typeof values[0] === 'string' && typeof values[1] === 'string' ? { name: values[0], id: values[1] } : undefined;

function refusal(act: () => unknown): DomainError {
  try {
    act();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('CursorCodec', () => {
  const codec = CursorCodec.fromMasterKey(MASTER_KEY);

  it('reads back the values it sealed, through the use’s validator', () => {
    const cursor = codec.encode('name', ['łucja ёлкина', 'c-1']);
    expect(codec.decode(cursor, 'name', nameAndId)).toEqual({ name: 'łucja ёлкина', id: 'c-1' });
    expect(codec.decode(codec.encode('lastVisit', [null, 'c-2']), 'lastVisit', (values) => values)).toEqual([null, 'c-2']);
  });

  it('is URL-safe text, different every time (random IV)', () => {
    const first = codec.encode('name', ['anna', 'c-1']);
    expect(first).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(codec.encode('name', ['anna', 'c-1'])).not.toEqual(first);
  });

  it('stays valid for another codec of the same master key (a restart, another instance)', () => {
    const cursor = codec.encode('name', ['anna', 'c-1']);
    expect(CursorCodec.fromMasterKey(Buffer.from(MASTER_KEY)).decode(cursor, 'name', nameAndId)).toEqual({ name: 'anna', id: 'c-1' });
  });

  it('shows nothing of the position, in any encoding', () => {
    const name = 'kowalska-wiśniewska anna maria';
    const id = 'client-4f1c2a';
    const cursor = codec.encode('name', [name, id]);
    for (const secret of [name, id]) {
      for (const form of [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url')]) {
        // The whole form and any long part of it: base64 of a substring starts at other offsets.
        expect(cursor).not.toContain(form);
        expect(cursor).not.toContain(form.slice(0, 8));
      }
    }
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toContain('kowalska');
  });

  it('hides the length of the name up to a block', () => {
    expect(codec.encode('name', ['a', 'c-1']).length).toEqual(codec.encode('name', ['anna', 'c-1']).length);
  });

  it('seals the longest names within its own bound (three parts of 100 four-byte characters and an id)', () => {
    const name = '𝔸'.repeat(300);
    const cursor = codec.encode('name', [name, '8f14e45f-ceea-467f-a8e4-1a5c0d3b2e01']);
    expect(cursor.length).toBeLessThanOrEqual(MAX_CURSOR_LENGTH);
    expect(codec.decode(cursor, 'name', nameAndId)?.name).toEqual(name);
  });

  it('refuses a cursor of another sort order, naming both sorts and nothing of the position', () => {
    const error = refusal(() => codec.decode(codec.encode('lastVisit', [null, 'c-1']), 'name', nameAndId));
    expect(error).toMatchObject({ kind: 'invalid', code: 'invalid-cursor', details: { field: 'cursor' } });
    expect(error.message).toContain('The cursor belongs to a list sorted by lastVisit, not by name');
  });

  const sealed = codec.encode('name', ['anna', 'c-1']);
  const bytes = Buffer.from(sealed, 'base64url');
  const flipped = (index: number) => {
    const copy = Buffer.from(bytes);
    copy[index] ^= 1;
    return copy.toString('base64url');
  };

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['plain base64url JSON (a cursor of the old format)', Buffer.from(JSON.stringify({ s: 'name', k: ['anna', 'c-1'] })).toString('base64url')],
    ['too short to be sealed', sealed.slice(0, 30)],
    ['truncated', sealed.slice(0, -4)],
    ['of an unknown format', flipped(0)],
    ['with a changed IV', flipped(1)],
    ['with a changed tag', flipped(20)],
    ['with a changed ciphertext', flipped(bytes.length - 1)],
    ['far too long', 'A'.repeat(MAX_CURSOR_LENGTH + 1)],
    ['sealed under another master key', CursorCodec.fromMasterKey(OTHER_MASTER_KEY).encode('name', ['anna', 'c-1'])],
    ['of a shape the use does not write', codec.encode('name', ['anna'])],
  ])('refuses a cursor that is %s, without quoting it', (_case, cursor) => {
    const error = refusal(() => codec.decode(cursor, 'name', nameAndId));
    expect(error).toMatchObject({ kind: 'invalid', code: 'invalid-cursor', details: { field: 'cursor' } });
    expect(error.message).toContain('The cursor is not one this API returned');
    expect(error.message).not.toContain('anna');
  });

  it('refuses a cursor of an ephemeral codec in a service codec, and the other way round', () => {
    const ephemeral = CursorCodec.withEphemeralKey();
    expect(() => codec.decode(ephemeral.encode('name', ['anna', 'c-1']), 'name', nameAndId)).toThrow(DomainError);
    expect(() => ephemeral.decode(codec.encode('name', ['anna', 'c-1']), 'name', nameAndId)).toThrow(DomainError);
  });

  it('refuses a master key that is not 32 bytes', () => {
    expect(() => CursorCodec.fromMasterKey(Buffer.alloc(16))).toThrow('32 bytes');
  });
});
