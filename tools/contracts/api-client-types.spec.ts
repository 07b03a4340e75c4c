import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The typed client's committed types are what openapi-typescript generates from the committed
 * OpenAPI documents (which the openapi tests keep equal to what the code serves): a document
 * changed without `npm run api-client:generate` fails here, and a changed answer or body then fails
 * the typecheck of the end-to-end tests that call the services through the client. The check runs
 * in a process of its own: openapi-typescript loads ES modules that Jest's module system cannot.
 */
describe('the typed API client (libs/api-client)', () => {
  it('holds the types the OpenAPI documents generate (run `npm run api-client:generate` after a document change)', () => {
    const root = join(__dirname, '..', '..');
    const check = spawnSync(process.execPath, ['-r', '@swc-node/register', 'tools/contracts/generate-api-client.ts', '--check'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '--disable-warning=ExperimentalWarning' },
      timeout: 120_000,
    });
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
  });
});
