import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import mongoose from 'mongoose';
import { uniqueName } from '@salon/shared/testing';
import { compatibilityVerdict, OpenApiDocument } from './compatibility';
import { documentEnvironment, REPO_ROOT, SERVICE_DOCUMENTS, serialize } from './service-documents';

/** The first lines where two texts differ, with line numbers: enough to see what changed. */
function firstDifferences(committed: string, generated: string, limit = 12): string {
  const before = committed.split('\n');
  const after = generated.split('\n');
  const lines: string[] = [];
  for (let index = 0; index < Math.max(before.length, after.length) && lines.length < limit * 2; index++) {
    if (before[index] === after[index]) continue;
    lines.push(`${index + 1} - ${before[index] ?? '(end)'}`, `${index + 1} + ${after[index] ?? '(end)'}`);
  }
  return lines.join('\n');
}

/**
 * Each service's OpenAPI document, as its code generates it now, against the copy committed in
 * docs/api/: a DTO's constraint, a route's status or a field changed without the document fails
 * here (with the command that rewrites it), and so does a change that breaks clients of the
 * committed version unless the major version was raised (docs/api-versioning.md).
 */
describe('the committed OpenAPI documents', () => {
  const database = uniqueName('openapi-docs');
  const env = documentEnvironment(database);

  afterAll(async () => {
    const connection = await mongoose.createConnection(env.MONGO_URL).asPromise();
    await connection.dropDatabase();
    await connection.close();
  });

  it.each(SERVICE_DOCUMENTS.map((service) => [service.name, service] as const))('%s: the committed document is the one the code generates', async (_name, service) => {
    const generated = await service.generate(env);
    const committedText = readFileSync(service.committedPath, 'utf8');
    const committed = JSON.parse(committedText) as OpenApiDocument;
    const path = relative(REPO_ROOT, service.committedPath);

    const verdict = compatibilityVerdict(committed, generated as unknown as OpenApiDocument);
    if (!verdict.ok) {
      throw new Error(
        `${service.name}: the code breaks clients of ${path} (version ${committed.info?.version}) without a new major version:\n` +
          verdict.breaks.map((line) => `  - ${line}`).join('\n') +
          '\nKeep the old route or field beside the new one, or raise OPENAPI_VERSION (docs/api-versioning.md).',
      );
    }
    const generatedText = serialize(generated);
    if (generatedText !== committedText) {
      throw new Error(`${path} is not what the code generates; run \`npm run openapi:write\` and commit it. First differences:\n${firstDifferences(committedText, generatedText)}`);
    }
    expect(generatedText).toBe(committedText);
  });
});
