/**
 * Writes each service's OpenAPI document, as its code generates it, to docs/api/<service>.openapi.json
 * (`npm run openapi:write`; needs the local servers: the apps are built, not started, on a
 * database and topic prefix of their own). Refuses a document that breaks the committed one
 * (tools/openapi/compatibility.ts) unless its major version was raised (OPENAPI_VERSION,
 * docs/api-versioning.md); writes nothing then. `-- --correction` writes it all the same, for a
 * document that promised what the code never did (the code refused it all along): the breaks are
 * printed, and the commit says why.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import mongoose from 'mongoose';
import { uniqueName } from '@salon/shared/testing';
import { compatibilityVerdict, OpenApiDocument } from './compatibility';
import { documentEnvironment, REPO_ROOT, SERVICE_DOCUMENTS, serialize } from './service-documents';

async function main(): Promise<void> {
  const correction = process.argv.includes('--correction');
  const database = uniqueName('openapi-write');
  const env = documentEnvironment(database);
  const documents: { path: string; text: string }[] = [];
  let refused = false;
  try {
    for (const service of SERVICE_DOCUMENTS) {
      const generated = await service.generate(env);
      const text = serialize(generated);
      if (existsSync(service.committedPath)) {
        const committed = JSON.parse(readFileSync(service.committedPath, 'utf8')) as OpenApiDocument;
        const verdict = compatibilityVerdict(committed, generated as unknown as OpenApiDocument);
        if (!verdict.ok) {
          if (!correction) refused = true;
          process.stderr.write(
            `${service.name}: the change breaks clients of version ${committed.info?.version} (docs/api-versioning.md):\n` +
              verdict.breaks.map((line) => `  - ${line}`).join('\n') +
              (correction
                ? '\nWritten as a correction (--correction): the code refused this before; say so in the commit.\n'
                : '\nKeep the old route beside a new one, or raise the major version (OPENAPI_VERSION in libs/shared/nest/src/lib/bootstrap.ts);\n' +
                  'if the document promised what the code never did, `npm run openapi:write -- --correction`.\n'),
          );
        }
      }
      documents.push({ path: service.committedPath, text });
    }
  } finally {
    const connection = await mongoose.createConnection(env.MONGO_URL).asPromise();
    await connection.dropDatabase();
    await connection.close();
  }
  if (refused) process.exit(1);
  for (const { path, text } of documents) {
    const changed = !existsSync(path) || readFileSync(path, 'utf8') !== text;
    if (changed) writeFileSync(path, text);
    process.stdout.write(`${relative(REPO_ROOT, path)}: ${changed ? 'written' : 'unchanged'}\n`);
  }
  process.exit(0);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
