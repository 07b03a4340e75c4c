import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASYNCAPI_DIRECTORY, buildAsyncApiDocuments } from './asyncapi-documents';

/** `npm run asyncapi:generate`: writes libs/contracts/asyncapi/*.asyncapi.yaml from the contract types. */
mkdirSync(ASYNCAPI_DIRECTORY, { recursive: true });
for (const [file, text] of Object.entries(buildAsyncApiDocuments())) {
  writeFileSync(join(ASYNCAPI_DIRECTORY, file), text);
  console.log(`wrote ${join('libs/contracts/asyncapi', file)}`);
}
