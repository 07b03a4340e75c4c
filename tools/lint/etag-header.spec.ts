import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * A route sends an ETag only through ETagHeader (libs/shared/nest), which also documents it on the
 * route's success answers: the OpenAPI documents say ETag exactly where the code can send one. A
 * `setHeader('ETag', …)` anywhere else would send a header the document does not name.
 */
const REPO_ROOT = join(__dirname, '../..');
const DECORATOR = 'libs/shared/nest/src/lib/etag-header.decorator.ts';
const SETS_ETAG = /\.(?:setHeader|header|set|append)\(\s*['"`]etag['"`]/i;

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !/\.(?:int-)?spec\.ts$/.test(entry.name) ? [path] : [];
  });
}

describe('the ETag header', () => {
  it('is sent by ETagHeader alone, so that the OpenAPI documents name it wherever a route sends it', () => {
    const senders = ['apps', 'libs']
      .flatMap((directory) => sourceFiles(join(REPO_ROOT, directory)))
      .filter((path) => SETS_ETAG.test(readFileSync(path, 'utf8')))
      .map((path) => relative(REPO_ROOT, path));
    expect(senders).toEqual([DECORATOR]);
  });
});
