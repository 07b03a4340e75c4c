/**
 * `npm run asyncapi:generate`: writes libs/contracts/asyncapi/*.asyncapi.yaml from the contract
 * types. Refuses a document that breaks a consumer of a topic the committed one describes
 * (tools/contracts/asyncapi-compatibility.ts, docs/api-versioning.md "Events"), and then writes
 * nothing: such a change goes on a new topic (`….v2`); only retiring a topic is allowed, with its
 * document's major version raised. `-- --correction` writes it all the same, for a document that
 * promised what the relays never published (they never sent it so): the breaks are printed, and
 * the commit says why.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AsyncApiDocument, compatibilityVerdict } from './asyncapi-compatibility';
import { ASYNCAPI_DIRECTORY, buildAsyncApiDocuments } from './asyncapi-documents';

const NO_DOCUMENT: AsyncApiDocument = { info: { version: '0.0.0' }, channels: {} };

function main(): void {
  const correction = process.argv.includes('--correction');
  const built = buildAsyncApiDocuments();
  mkdirSync(ASYNCAPI_DIRECTORY, { recursive: true });
  const committedFiles = readdirSync(ASYNCAPI_DIRECTORY).filter((file) => file.endsWith('.asyncapi.yaml'));
  const stale = committedFiles.filter((file) => !(file in built));
  let refused = false;
  for (const file of [...Object.keys(built), ...stale]) {
    const path = join(ASYNCAPI_DIRECTORY, file);
    if (!existsSync(path)) continue;
    const committed = parse(readFileSync(path, 'utf8')) as AsyncApiDocument;
    const generated = file in built ? (parse(built[file]) as AsyncApiDocument) : NO_DOCUMENT;
    const verdict = compatibilityVerdict(committed, generated);
    if (verdict.ok) continue;
    if (!correction) refused = true;
    process.stderr.write(
      `${file}: the change breaks consumers of version ${committed.info?.version} (docs/api-versioning.md, Events):\n` +
        verdict.breaks.map((line) => `  - ${line}`).join('\n') +
        (correction
          ? '\nWritten as a correction (--correction): the relays never published what the document said; say so in the commit.\n'
          : '\nKeep the topic as it is and publish the new shape on a new topic (`….v2` in TOPICS, its own messages);\n' +
            'to retire a topic, raise the major version of its document (documentSpecs in tools/contracts/asyncapi-documents.ts);\n' +
            'if the document promised what the relays never published, `npm run asyncapi:generate -- --correction`.\n'),
    );
  }
  if (refused) {
    process.stderr.write('Nothing written.\n');
    process.exit(1);
  }
  for (const [file, text] of Object.entries(built)) {
    const path = join(ASYNCAPI_DIRECTORY, file);
    const changed = !existsSync(path) || readFileSync(path, 'utf8') !== text;
    if (changed) writeFileSync(path, text);
    console.log(`${join('libs/contracts/asyncapi', file)}: ${changed ? 'written' : 'unchanged'}`);
  }
  for (const file of stale) {
    rmSync(join(ASYNCAPI_DIRECTORY, file));
    console.log(`${join('libs/contracts/asyncapi', file)}: removed (no longer generated)`);
  }
}

main();
