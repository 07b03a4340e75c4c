import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The module-boundary rule is what keeps contexts apart; this proves it bites. Each case
 * lints a one-line file placed inside a real project of the workspace.
 */
const REPO_ROOT = join(__dirname, '../..');

// ESLint runs in its own process: its flat config is an ES module, which Jest's VM cannot load.
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const run = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', filePath, '--format', 'json'],
    { cwd: REPO_ROOT, input: code, encoding: 'utf8', timeout: 60_000 },
  );
  if (!run.stdout) throw new Error(`eslint failed: ${run.stderr}`);
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries (nx lint)', () => {
  it('refuses a context importing another context', async () => {
    const errors = await boundaryErrors(
      'libs/clients/feature/src/lib/cross-context.ts',
      "import * as consent from '@salon/consent/domain';\nexport const x = consent;\n",
    );
    expect(errors).toEqual([
      expect.stringContaining(
        'A project tagged with "scope:clients" can only depend on libs tagged with "scope:clients", "scope:shared", "scope:contracts"',
      ),
    ]);
  });

  it('refuses shared code reaching into a context', async () => {
    const errors = await boundaryErrors(
      'libs/shared/ddd/src/lib/cross-context.ts',
      "import { clientDecider } from '@salon/clients/domain';\nexport const x = clientDecider;\n",
    );
    // Nx reports this as a circular dependency (the context already depends on shared-ddd)
    // before it gets to the tags; either way the import is refused.
    expect(errors.join('\n')).toMatch(/Circular dependency between "shared-ddd" and "clients-domain"|can only depend on/);
  });

  it('keeps domain code free of infrastructure', async () => {
    const errors = await boundaryErrors(
      'libs/clients/domain/src/lib/impure.ts',
      "import { InfrastructureModule } from '@salon/shared/nest';\nexport const x = InfrastructureModule;\n",
    );
    expect(errors).toEqual([expect.stringContaining('A project tagged with "type:domain" can only depend on libs tagged with')]);
  });

  it('lets a context use shared code and the public contracts', async () => {
    const errors = await boundaryErrors(
      'apps/clients-service/src/fine.ts',
      "import { TOPICS } from '@salon/contracts';\nimport { loadConfig } from '@salon/shared/nest';\nexport const x = [TOPICS, loadConfig];\n",
    );
    expect(errors).toEqual([]);
  });
});
