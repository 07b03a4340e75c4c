import { InvalidMasterKeyError, parseMasterKey } from './master-key';

describe('parseMasterKey', () => {
  it('reads 32 bytes of base64', () => {
    const key = parseMasterKey('bG9jYWwtZGV2ZWxvcG1lbnQtbWFzdGVyLWtleS0zMmI=');
    expect(key).toHaveLength(32);
    expect(key.toString('utf8')).toBe('local-development-master-key-32b');
  });

  it('tolerates surrounding whitespace, as left by editors and secret files', () => {
    expect(parseMasterKey(` ${Buffer.alloc(32, 7).toString('base64')}\n`)).toEqual(Buffer.alloc(32, 7));
  });

  it.each([
    ['unset', undefined, /MASTER_KEY is not set/],
    ['empty', '  ', /MASTER_KEY is not set/],
    ['too short', Buffer.alloc(16).toString('base64'), /MASTER_KEY decodes to 16 bytes, not 32/],
    ['too long', Buffer.alloc(33).toString('base64'), /MASTER_KEY decodes to 33 bytes, not 32/],
    ['not base64', `${Buffer.alloc(32).toString('base64').slice(0, -2)}!=`, /MASTER_KEY is not valid base64/],
  ])('refuses a key that is %s, naming the variable', (_case, value, message) => {
    expect(() => parseMasterKey(value)).toThrow(InvalidMasterKeyError);
    expect(() => parseMasterKey(value)).toThrow(message);
  });
});
