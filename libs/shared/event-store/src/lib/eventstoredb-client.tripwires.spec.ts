import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The EventStoreDB adapter works around facts of @eventstore/db-client 6.2.1 that were read in
// its code (and EventStoreDB's, tag v24.10.0). Each test here pins one, in the installed client:
// when an upgrade changes it, the test names the workaround to look at again, instead of the
// workaround silently doing the wrong thing. What the server does is checked by the contract
// suite against a real server only (.github/workflows/eventstoredb-contract.yml).

const REPO_ROOT = join(__dirname, '../../../../..');
const CLIENT = join(REPO_ROOT, 'node_modules/@eventstore/db-client');
const clientFile = (path: string) => readFileSync(join(CLIENT, 'dist', path), 'utf8');

describe('@eventstore/db-client: the facts the adapter relies on', () => {
  it('is 6.2.1, pinned exactly in package.json and installed', () => {
    const installed = JSON.parse(readFileSync(join(CLIENT, 'package.json'), 'utf8')) as { version: string };
    const project = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(installed.version).toBe('6.2.1');
    expect(project.dependencies['@eventstore/db-client']).toBe('6.2.1');
  });

  it('serialises JSON data inside a promise executor (why serialiseEvent runs first: a throw there is unhandled)', () => {
    for (const path of ['streams/appendToStream/append.js', 'streams/appendToStream/batchAppend.js']) {
      const source = clientFile(path);
      expect(source).toMatch(/new Promise\(async/);
      expect(source).toMatch(/JSON\.stringify\(event\.data\)/);
    }
  });

  it('sends the batch-append deadline as a point in time (why appends send appendDeadlineMs: clock skew)', () => {
    expect(clientFile('streams/appendToStream/batchAppend.js')).toMatch(/Timestamp\.fromDate\(this\.createDeadline\(baseOptions\.deadline\)\)/);
    expect(clientFile('Client/index.js')).toMatch(/defaultDeadline = 10000/);
  });

  it('reports the actual revision of a failed batch append as a boolean (why a failed result is read again)', () => {
    expect(clientFile('streams/appendToStream/batchAppend.js')).toMatch(/BigInt\(wrongExpectedVersion\.hasCurrentStreamRevision\(\)\)/);
  });

  it('reads $all without a server-side filter (why readAll filters here and scans what comes after `after`)', () => {
    const readAll = clientFile('streams/readAll.js');
    expect(readAll).toMatch(/setNoFilter/);
    expect(readAll).not.toMatch(/setFilter\(/);
  });

  it('never leaves an event position undefined: missing fields read as 0/0 (why isMissingPosition looks at values)', () => {
    const convert = clientFile('utils/convertGrpcEvent.js');
    expect(convert).toMatch(/if \(commit != null && prepare != null\)/);
  });

  it('drops its channel after Unavailable and Cancelled, so a resubscription connects afresh', () => {
    expect(clientFile('Client/index.js')).toMatch(/error instanceof utils_1\.UnavailableError \|\|\s+\/\/[^\n]*\n\s+error instanceof utils_1\.CancelledError/);
  });

  it('announces a confirmed subscription with a "confirmation" event (onResumed listens to it)', () => {
    expect(clientFile('streams/utils/Subscription.js')).toMatch(/this\.emit\("confirmation"\)/);
  });

  it('ends the call of a subscription with no error and no retry of its own (why the adapter resubscribes)', () => {
    const subscription = clientFile('streams/utils/Subscription.js');
    expect(subscription).toMatch(/this\.emit\("error", error\)/);
    expect(subscription).not.toMatch(/resubscribe|reconnect/i);
  });
});
