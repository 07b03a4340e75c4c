import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '../..');

/**
 * The ops command as an operator runs it: values on stdin (never argv), a table naming kinds only,
 * and an exit code a script can act on. Only the event store is scanned here (a file of the test's
 * own), so no server is needed.
 */
describe('npm run verify-erasure', () => {
  const directory = mkdtempSync(join(tmpdir(), 'verify-erasure-'));
  const eventStore = join(directory, 'events.db');
  const surname = 'Wiśniewska-Qxzówna';
  const values = JSON.stringify({ values: { lastName: surname, phone: '+48601987654' } });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const run = (stdin: string, ...args: string[]) =>
    spawnSync(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'verify-erasure.ts'), '--values', '-', '--stores', 'event-store', '--event-store', eventStore, ...args], {
      cwd: REPO_ROOT,
      input: stdin,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] },
    });

  it('exits 1 on a hit, naming the store and the kind but never the value', () => {
    writeFileSync(eventStore, Buffer.concat([Buffer.from('{"pii":"…"} '), Buffer.from(surname.toUpperCase(), 'utf16le')]));
    const result = run(values);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/event store .*\| 1 +\| lastName 1/);
    expect(result.stdout + result.stderr).not.toMatch(/Wiśniewska|WIŚNIEWSKA|601987654/i);
  });

  it('exits 0 when no value is found', () => {
    writeFileSync(eventStore, 'only ciphertext here');
    const result = run(values);
    expect([result.status, result.stdout]).toEqual([0, expect.stringContaining('No personal value of the client in any store.')]);
  });

  it('exits 2 on values that are not JSON, without echoing them', () => {
    const result = run(`${surname} +48601987654`);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('not JSON');
    expect(result.stderr).not.toMatch(/Wiśniewska|601987654/);
  });

  it('exits 2 on an unknown store, naming the known ones', () => {
    const result = run(values, '--stores', 'event-store,backups');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown backups');
  });
});
