import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * No Docker engine runs where the tests do, so this reads deploy/docker/Dockerfile for the rules
 * of a production image (issue 17): a build stage with every dependency runs `nx build`; the
 * runtime stage installs production dependencies only, takes nothing from the build stage but the
 * built tree, runs as a numeric non-root user and starts `node dist/…` itself, with no TypeScript
 * loader. It also checks that the paths the image names are the ones `nx build` writes.
 */
const REPO_ROOT = join(__dirname, '../..');
const SERVICES = ['clients-service', 'visits-service', 'media-service', 'consent-service'];

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}
interface Stage {
  readonly from: string;
  readonly name?: string;
  readonly instructions: readonly Instruction[];
}

function stagesOf(dockerfile: string): Stage[] {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages: { from: string; name?: string; instructions: Instruction[] }[] = [];
  for (const line of lines) {
    const [, keyword, args] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') {
      const [, from, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ from, name, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

const args = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

const stages = stagesOf(readFileSync(join(REPO_ROOT, 'deploy/docker/Dockerfile'), 'utf8'));
const runtime = stages[stages.length - 1];
const build = (() => {
  const stage = stages.find((candidate) => args(candidate, 'RUN').some((run) => /\bnx build\b/.test(run)));
  if (!stage) throw new Error('no stage of deploy/docker/Dockerfile runs nx build');
  return stage;
})();

describe('deploy/docker/Dockerfile', () => {
  it('builds in a stage of its own, with every dependency', () => {
    expect(build).not.toBe(runtime);
    expect(args(build, 'RUN').some((run) => /\bnpm ci\b/.test(run) && !/--omit=dev/.test(run))).toBe(true);
    expect(args(build, 'RUN').some((run) => /\bnx build "?\$\{SERVICE\}"?/.test(run))).toBe(true);
  });

  it('runs from a fresh base image with production dependencies only', () => {
    expect(stages.map((stage) => stage.name)).not.toContain(runtime.from);
    expect(args(runtime, 'RUN').some((run) => /\bnpm ci\b.*--omit=dev/.test(run))).toBe(true);
    expect(args(runtime, 'RUN').filter((run) => /\bnpm (ci|install)\b/.test(run) && !/--omit=dev/.test(run))).toEqual([]);
  });

  it('takes only the built tree from the build stage, and no sources', () => {
    const fromBuild = args(runtime, 'COPY').filter((copy) => copy.startsWith('--from='));
    expect(fromBuild).toEqual([`--from=${build.name} /app/dist/apps/\${SERVICE}/ dist/`]);
    const sources = args(runtime, 'COPY').filter((copy) => !copy.startsWith('--from='));
    expect(sources.flatMap((copy) => copy.split(/\s+/).slice(0, -1))).toEqual(['package.json', 'package-lock.json', '.npmrc']);
  });

  it('runs as a numeric user that is not root', () => {
    const users = args(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    const [uid, gid] = users[users.length - 1].split(':');
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
    if (gid !== undefined) expect(Number(gid)).toBeGreaterThan(0);
  });

  it('starts node on the built main, with no TypeScript loader', () => {
    const [cmd] = args(runtime, 'CMD');
    const command = JSON.parse(cmd) as string[];
    expect(command[0]).toBe('node');
    expect(command[command.length - 1]).toBe('dist/main.js');
    expect(args(runtime, 'RUN').some((run) => run.includes('ln -s "apps/${SERVICE}/src/main.js" dist/main.js'))).toBe(true);
    expect(runtime.instructions.filter((i) => /swc-node|ts-node|\.ts\b/.test(i.args))).toEqual([]);
    expect(args(runtime, 'ENTRYPOINT')).toEqual([]);
  });

  it.each(SERVICES)('names the paths nx build writes for %s (its main, the topics tool)', (service) => {
    const project = JSON.parse(readFileSync(join(REPO_ROOT, `apps/${service}/project.json`), 'utf8'));
    const options = project.targets.build.options;
    expect(options.outputPath).toBe(`dist/apps/${service}`);
    expect(options.rootDir).toBe('.');
    expect(options.main).toBe(`apps/${service}/src/main.ts`);
    const tsconfig = JSON.parse(readFileSync(join(REPO_ROOT, options.tsConfig), 'utf8'));
    expect(tsconfig.files).toEqual(['src/main.ts', '../../tools/kafka/create-topics.ts']);
  });
});
