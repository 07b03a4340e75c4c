import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BytePatterns } from './byte-patterns';
import { PersonalValuesError, parsePersonalValues } from './personal-values';

const values = parsePersonalValues(
  JSON.stringify({ clientId: 'c-1', values: { lastName: 'Wiśniewska', firstName: 'Ярослава', phone: ['+48601987654', '601 987 654'], email: 'Ada.Q@example.com' } }),
);
const patterns = new BytePatterns(values);

describe('the erasure verifier: byte patterns', () => {
  it('finds a value in UTF-8 and in UTF-16LE, in any case of ASCII letters, and names its kind', () => {
    const hits = patterns.count(Buffer.concat([Buffer.from('xx ADA.q@EXAMPLE.com yy', 'utf8'), Buffer.from('ada.q@example.com', 'utf16le')]));
    expect(Object.fromEntries(hits)).toEqual({ email: 2 });
  });

  it('finds letters outside ASCII typed, lower and upper case', () => {
    const bytes = Buffer.from('ЯРОСЛАВА ярослава Ярослава WIŚNIEWSKA wiśniewska', 'utf8');
    expect(Object.fromEntries(patterns.count(bytes))).toEqual({ firstName: 3, lastName: 2 });
  });

  it('finds an E.164 number also without its "+", and the number as typed', () => {
    expect(Object.fromEntries(patterns.count(Buffer.from('tel:48601987654; 601 987 654')))).toEqual({ phone: 2 });
  });

  it('finds nothing in bytes without the values', () => {
    expect(patterns.count(Buffer.from('Archived client 7 +48601987655 wisniewska'))).toEqual(new Map());
  });

  it('counts a value across two chunks of a file once, and one inside the carried bytes once', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'byte-patterns-'));
    try {
      const file = join(directory, 'segment.log');
      const chunk = 4 << 20;
      const bytes = Buffer.alloc(chunk + 100, 0x2e);
      // One value straddling the 4 MiB chunk boundary, one just before it (inside the carried tail).
      Buffer.from('ada.q@example.com').copy(bytes, chunk - 5);
      Buffer.from('+48601987654').copy(bytes, chunk - 40);
      writeFileSync(file, bytes);
      const { bytes: size, hits } = await patterns.countInFile(file);
      expect(size).toBe(bytes.length);
      expect(Object.fromEntries(hits)).toEqual({ email: 1, phone: 1 });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('finds a UTF-16LE value whose last zero byte begins a chunk of zeros (a preallocated index)', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'byte-patterns-'));
    try {
      const file = join(directory, '00000000000000000000.index');
      const chunk = 4 << 20;
      const bytes = Buffer.alloc(chunk * 3);
      const value = Buffer.from('Ada.Q@example.com', 'utf16le');
      value.copy(bytes, chunk - value.length + 1);
      writeFileSync(file, bytes);
      expect(Object.fromEntries((await patterns.countInFile(file)).hits)).toEqual({ email: 1 });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('the erasure verifier: personal values', () => {
  it('refuses a value shorter than 4 characters, naming where it is and not quoting it', () => {
    const error = (() => {
      try {
        parsePersonalValues(JSON.stringify({ values: { lastName: ['Nowakowska', 'Li'] } }));
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(PersonalValuesError);
    expect(error?.message).toContain('values.lastName[1]');
    expect(error?.message).not.toContain('Li');
  });

  it('refuses input without values, and input that is not JSON, without quoting it', () => {
    expect(() => parsePersonalValues('{"values":{}}')).toThrow('names no value');
    expect(() => parsePersonalValues('Nowakowska')).toThrow('not JSON');
    expect(() => parsePersonalValues('Nowakowska')).not.toThrow(/Nowakowska/);
  });
});
