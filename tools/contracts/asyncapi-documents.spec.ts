import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { parse } from 'yaml';
import { ALL_TOPICS, CLIENT_FIELDS_ADDED_TO_V1 } from '@salon/contracts';
import { AsyncApiDocument, compatibilityVerdict } from './asyncapi-compatibility';
import { ASYNCAPI_DIRECTORY, buildAsyncApiDocuments } from './asyncapi-documents';

type Parsed = Awaited<ReturnType<Parser['parse']>>;

/**
 * The committed AsyncAPI documents are what the contract types generate, and valid AsyncAPI 3.0:
 * a contract type changed without `npm run asyncapi:generate` fails here, and one that breaks a
 * consumer of a committed topic (asyncapi-compatibility.ts) fails with each break named, as
 * `npm run asyncapi:generate` refuses to write it.
 */
describe('the AsyncAPI documents of libs/contracts/asyncapi', () => {
  const built = buildAsyncApiDocuments();
  const committed = Object.fromEntries(
    readdirSync(ASYNCAPI_DIRECTORY)
      .filter((file) => file.endsWith('.asyncapi.yaml'))
      .map((file) => [file, readFileSync(join(ASYNCAPI_DIRECTORY, file), 'utf8')]),
  );
  const parsed: Record<string, Parsed> = {};
  beforeAll(async () => {
    const parser = new Parser();
    for (const [file, text] of Object.entries(built)) parsed[file] = await parser.parse(text);
  }, 120_000);

  it.each(Object.keys(built))('%s: the contract types break no consumer of the committed topics', (file) => {
    const committedDocument = parse(committed[file] ?? 'channels: {}') as AsyncApiDocument;
    const verdict = compatibilityVerdict(committedDocument, parse(built[file]) as AsyncApiDocument);
    if (!verdict.ok) {
      throw new Error(
        `${file}: the contract types break consumers of the committed document (version ${committedDocument.info?.version}):\n` +
          verdict.breaks.map((line) => `  - ${line}`).join('\n') +
          '\nPublish the new shape on a new topic (`….v2`) and keep the old one as it was (docs/api-versioning.md, Events).',
      );
    }
    expect(verdict.ok).toBe(true);
  });

  it('are the documents the contract types generate (run `npm run asyncapi:generate` after a contract change)', () => {
    expect(Object.keys(committed).sort()).toEqual(Object.keys(built).sort());
    for (const [file, text] of Object.entries(built)) expect({ file, text: committed[file] }).toEqual({ file, text });
  });

  // Information and hints are left out: the parser's only one is that 3.1.0 exists (3.0 is what
  // most AsyncAPI tools read today).
  it.each(Object.keys(built))('%s is valid AsyncAPI 3.0 (the AsyncAPI parser reports no error or warning)', (file) => {
    const { document, diagnostics } = parsed[file];
    const problems = diagnostics.filter((diagnostic) => diagnostic.severity === DiagnosticSeverity.Error || diagnostic.severity === DiagnosticSeverity.Warning);
    expect(problems.map((diagnostic) => `${diagnostic.severity} ${diagnostic.code} ${diagnostic.path.join('.')}: ${diagnostic.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
  });

  it('require none of the fields added to v1 later (CLIENT_FIELDS_ADDED_TO_V1): the messages before them lack them', () => {
    const schemas = (parse(built['clients.asyncapi.yaml']) as { components: { schemas: Record<string, { properties?: object; required?: string[] }> } }).components.schemas;
    const described = Object.entries(schemas).filter(([, schema]) => CLIENT_FIELDS_ADDED_TO_V1.some((field) => field in (schema.properties ?? {})));
    expect(described.map(([name]) => name)).toEqual(expect.arrayContaining(['ClientRegistered', 'ClientProfileEdited']));
    for (const [name, schema] of described) expect({ name, required: (schema.required ?? []).filter((field) => (CLIENT_FIELDS_ADDED_TO_V1 as readonly string[]).includes(field)) }).toEqual({ name, required: [] });
  });

  it('describe every topic of TOPICS, each in one document', () => {
    const addresses = Object.values(parsed).flatMap(({ document }) => (document?.channels().all() ?? []).map((channel) => channel.address()));
    expect(addresses.sort()).toEqual(ALL_TOPICS.map((topic) => topic.name).sort());
  });
});
