import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { markdownTable } from './support';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

/**
 * Where the CPU time of a `--cpu-prof` profile written into `directory` went: the 20 busiest
 * functions by self time, and the 15 of the repository's own code by total time (self and what
 * they call) — the second says which step of a use case costs, the first what inside it.
 */
export function summariseProfile(directory: string, of: string): string {
  const files = readdirSync(directory).filter((name) => name.endsWith('.cpuprofile'));
  if (files.length === 0) return '(no CPU profile was written)';
  const profile = JSON.parse(readFileSync(join(directory, files[0]), 'utf8')) as { nodes: ProfileNode[] };
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const keyOf = (node: ProfileNode) => {
    const url = node.callFrame.url.replace(/^.*\/node_modules\//, 'node_modules/').replace(/^.*\/work\/[^/]+\//, '');
    return `${node.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${node.callFrame.lineNumber + 1}` : ''}`.trim();
  };
  const isOwnCode = (node: ProfileNode) => /\/(apps|libs)\//.test(node.callFrame.url) && !node.callFrame.url.includes('/node_modules/');

  const selfTime = new Map<string, number>();
  const totalTime = new Map<string, number>();
  let total = 0;
  // Depth first from the root, each function counted once per path (a recursive call adds nothing twice).
  const visit = (node: ProfileNode, onPath: ReadonlySet<string>): number => {
    const hits = node.hitCount ?? 0;
    const key = keyOf(node);
    total += hits;
    selfTime.set(key, (selfTime.get(key) ?? 0) + hits);
    const path = isOwnCode(node) && !onPath.has(key) ? new Set([...onPath, key]) : onPath;
    let inclusive = hits;
    for (const child of node.children ?? []) {
      const childNode = nodes.get(child);
      if (childNode) inclusive += visit(childNode, path);
    }
    if (path !== onPath) totalTime.set(key, (totalTime.get(key) ?? 0) + inclusive);
    return inclusive;
  };
  visit(profile.nodes[0], new Set());

  const share = (hits: number) => `${((hits / Math.max(1, total)) * 100).toFixed(1)} %`;
  const top = (times: Map<string, number>, count: number) => [...times.entries()].sort((a, b) => b[1] - a[1]).slice(0, count).map(([name, hits]) => [name, share(hits)]);
  return [
    `CPU profile of ${of}, by self time:`,
    '',
    markdownTable(['function', 'share of samples'], top(selfTime, 20)),
    '',
    `The repository's own functions of ${of}, by total time (self and callees):`,
    '',
    markdownTable(['function', 'share of samples'], top(totalTime, 15)),
  ].join('\n');
}
