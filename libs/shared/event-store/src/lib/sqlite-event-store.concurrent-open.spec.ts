import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from './sqlite-event-store';

const REPO_ROOT = join(__dirname, '../../../../..');
const PROCESSES = 4;
const ROUNDS = 25;
const SPACING_MS = 120;

function runOpener(directory: string, startAt: number, name: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, '../testing/concurrent-opener.ts'), directory, String(startAt), String(ROUNDS), String(SPACING_MS), name],
      { cwd: REPO_ROOT, env: { ...process.env, NODE_OPTIONS: '--disable-warning=ExperimentalWarning' }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/**
 * `npm start` on a fresh machine: three services open one brand-new event-store file at once. This
 * does it from several processes at the same moment, many times, and every open and append must work.
 */
describe('SqliteEventStore opened by several processes at once', () => {
  const directory = mkdtempSync(join(tmpdir(), 'event-store-open-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it(`opens a new file from ${PROCESSES} processes at the same moment, ${ROUNDS} times, without "database is locked"`, async () => {
    // Far enough ahead for every process to have compiled and loaded the store.
    const startAt = Date.now() + 8_000;
    const runs = await Promise.all(Array.from({ length: PROCESSES }, (_, index) => runOpener(directory, startAt, `p${index}`)));
    expect(runs.map((run) => run.output).join('')).toBe('');
    expect(runs.map((run) => run.code)).toEqual(Array(PROCESSES).fill(0));

    for (let round = 0; round < ROUNDS; round++) {
      const store = new SqliteEventStore({ path: join(directory, `round-${round}.db`) });
      const streams = new Set((await store.readAll()).map((event) => event.streamName));
      await store.close();
      expect(streams.size).toBe(PROCESSES);
    }
  }, 90_000);
});
