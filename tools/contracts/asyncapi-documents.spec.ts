import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { ALL_TOPICS } from '@salon/contracts';
import { ASYNCAPI_DIRECTORY, buildAsyncApiDocuments } from './asyncapi-documents';

type Parsed = Awaited<ReturnType<Parser['parse']>>;

/**
 * The committed AsyncAPI documents are what the contract types generate, and valid AsyncAPI 3.0:
 * a contract type changed without `npm run asyncapi:generate` fails here.
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

  it('describe every topic of TOPICS, each in one document', () => {
    const addresses = Object.values(parsed).flatMap(({ document }) => (document?.channels().all() ?? []).map((channel) => channel.address()));
    expect(addresses.sort()).toEqual(ALL_TOPICS.map((topic) => topic.name).sort());
  });
});
