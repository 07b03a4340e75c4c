import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * A test that means "in the future" with a literal date turns red the day that date passes (it
 * happened: a booking on a fixed day became a visit in the past). Tests compute such dates from the
 * clock (`salonLocalTime` in @salon/shared/testing); fixed dates stay fine for data whose meaning
 * does not depend on today, and they are far enough away here not to be mistaken for one.
 */
const REPO_ROOT = join(__dirname, '../..');
const HORIZON_YEARS = 2;
const DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/g;

function testFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    const isTestCode = /\.(int-)?spec\.ts$/.test(entry.name) || /[\\/]test(ing)?[\\/]/.test(path);
    return isTestCode && entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('dates in tests', () => {
  it('are never literal dates of the coming years (compute "future" from the clock)', () => {
    const today = new Date().toISOString().slice(0, 10);
    const horizon = new Date();
    horizon.setUTCFullYear(horizon.getUTCFullYear() + HORIZON_YEARS);
    const limit = horizon.toISOString().slice(0, 10);

    const offenders = ['apps', 'libs', 'tools'].flatMap((root) =>
      testFiles(join(REPO_ROOT, root)).flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line, index) =>
            [...line.matchAll(DATE)]
              .map((match) => match[0])
              .filter((date) => date >= today && date <= limit)
              .map((date) => `${relative(REPO_ROOT, file)}:${index + 1} ${date}`),
          ),
      ),
    );
    expect(offenders).toEqual([]);
  });
});
