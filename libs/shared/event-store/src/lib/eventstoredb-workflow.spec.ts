import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// The workflow cannot run here (no Docker): this keeps it honest about what it runs.
const REPO_ROOT = join(__dirname, '../../../../..');
const WORKFLOW = '.github/workflows/eventstoredb-contract.yml';

interface Workflow {
  jobs: Record<
    string,
    {
      services: Record<string, { image: string; env: Record<string, string>; ports: string[] }>;
      steps: { run?: string; env?: Record<string, string> }[];
    }
  >;
}

describe(WORKFLOW, () => {
  const workflow = parse(readFileSync(join(REPO_ROOT, WORKFLOW), 'utf8')) as Workflow;
  const job = workflow.jobs['contract'];
  const suiteStep = job.steps.find((step) => step.run?.includes('jest'));

  it('starts a single insecure EventStoreDB 24.10 node from the registry its documentation names', () => {
    const server = job.services['eventstoredb'];
    expect(server.image).toBe('docker.eventstore.com/eventstore/eventstoredb-ee:24.10');
    expect(server.env).toMatchObject({ EVENTSTORE_CLUSTER_SIZE: 1, EVENTSTORE_INSECURE: 'true' });
    expect(server.ports).toEqual(['2113:2113']);
  });

  it('runs the contract suite and the EventStoreDB-only cases against it, with a way to restart it', () => {
    expect(suiteStep?.env?.['EVENTSTORE_URL']).toBe('esdb://127.0.0.1:2113?tls=false');
    expect(suiteStep?.env?.['EVENTSTORE_RESTART_COMMAND']).toBe('docker restart ${{ job.services.eventstoredb.id }}');
    const specs = suiteStep?.run?.match(/libs\/\S+\.(?:int-)?spec\.ts/g) ?? [];
    expect(specs).toContain('libs/shared/event-store/src/lib/eventstoredb-event-store.int-spec.ts');
    for (const spec of specs) expect(existsSync(join(REPO_ROOT, spec))).toBe(true);
  });

  it('names cases the suite has: the contract and the four the issue asks for', () => {
    const suite = readFileSync(join(__dirname, 'eventstoredb-event-store.int-spec.ts'), 'utf8');
    const contract = readFileSync(join(__dirname, '../testing/event-store-contract.ts'), 'utf8');
    expect(suite).toContain("eventStoreContract('EventStoreDB'");
    expect(contract).toContain("stores the same ids again when they come at the stream\\'s current revision");
    expect(suite).toContain('stores a retry with `any` again once the server restarted');
    expect(suite).toContain('holds a subscription across a server restart');
    expect(suite).toContain('appends with the client clock 15 s behind the server');
    expect(suite).toContain("process.env['EVENTSTORE_URL']");
    expect(suite).toContain("process.env['EVENTSTORE_RESTART_COMMAND']");
  });
});
