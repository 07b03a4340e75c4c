import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_CLIENT_GENERATED_DIRECTORY, buildApiClientTypes } from './api-client-types';

/**
 * `npm run api-client:generate`: writes libs/api-client/src/lib/generated/<service>.ts from
 * docs/api/<service>.openapi.json. With `--check` it writes nothing and fails (exit 1, naming the
 * files) while the committed types differ from what the documents generate (api-client-types.spec.ts
 * runs it so: openapi-typescript loads ES modules that Jest's module system cannot).
 */
async function main(): Promise<void> {
  const built = await buildApiClientTypes();
  if (process.argv.includes('--check')) {
    const committed = existsSync(API_CLIENT_GENERATED_DIRECTORY) ? readdirSync(API_CLIENT_GENERATED_DIRECTORY) : [];
    const stale = [
      ...Object.entries(built)
        .filter(([file, text]) => !committed.includes(file) || readFileSync(join(API_CLIENT_GENERATED_DIRECTORY, file), 'utf8') !== text)
        .map(([file]) => `${file}: differs from what its OpenAPI document generates`),
      ...committed.filter((file) => !(file in built)).map((file) => `${file}: no OpenAPI document generates it`),
    ];
    if (stale.length > 0) {
      process.stderr.write(`${stale.join('\n')}\nRun \`npm run api-client:generate\` and commit the result.\n`);
      process.exit(1);
    }
    process.stdout.write('libs/api-client: up to date\n');
    return;
  }
  mkdirSync(API_CLIENT_GENERATED_DIRECTORY, { recursive: true });
  for (const [file, text] of Object.entries(built)) {
    writeFileSync(join(API_CLIENT_GENERATED_DIRECTORY, file), text);
    process.stdout.write(`wrote libs/api-client/src/lib/generated/${file}\n`);
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
