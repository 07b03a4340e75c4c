import { fork } from 'node:child_process';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '../../../../..');

describe('a rejection nothing handled in a service process', () => {
  it('is logged as a fatal JSON line and ends the process with code 1', async () => {
    const child = fork(join(__dirname, '../testing/service-with-a-lost-rejection.ts'), [], {
      cwd: REPO_ROOT,
      execArgv: ['-r', '@swc-node/register'],
      env: { ...process.env, PROVOKED_BY: 'process-failures.spec' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));

    expect(code).toBe(1);
    const fatal = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line['level'] === 'fatal');
    expect(fatal).toMatchObject({
      service: 'lost-rejection-service',
      context: 'process',
      msg: 'unhandled rejection, exiting: Error: provoked by process-failures.spec',
    });
  });
});
