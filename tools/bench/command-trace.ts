/**
 * Where a benchmark's time goes on the database side: the driver's command monitoring, summed per
 * command and collection (round trips, operations they carried, milliseconds from sending to the
 * reply). The time a part took minus the time its commands took is the time spent in Node
 * (folding, digests, BSON encoding before a command is sent).
 */
import { readFileSync } from 'node:fs';
import type { MongoClient } from 'mongodb';

interface Totals {
  commands: number;
  operations: number;
  ms: number;
}

export class CommandTrace {
  private readonly started = new Map<number, { key: string; operations: number }>();
  private totals = new Map<string, Totals>();

  constructor(client: MongoClient) {
    client.on('commandStarted', (event) => {
      const command = event.command as Record<string, unknown>;
      const collection = typeof command[event.commandName] === 'string' ? (command[event.commandName] as string) : '';
      this.started.set(event.requestId, { key: `${event.commandName} ${collection.replace(/_v\d+$/, '')}`, operations: operationsOf(event.commandName, command) });
    });
    client.on('commandSucceeded', (event) => this.finish(event.requestId, event.duration));
    client.on('commandFailed', (event) => this.finish(event.requestId, event.duration));
  }

  /** The totals since the last call, and starts counting afresh. */
  take(): ReadonlyMap<string, Totals> {
    const taken = this.totals;
    this.totals = new Map();
    return taken;
  }

  private finish(requestId: number, ms: number): void {
    const started = this.started.get(requestId);
    if (!started) return;
    this.started.delete(requestId);
    const totals = this.totals.get(started.key) ?? { commands: 0, operations: 0, ms: 0 };
    totals.commands += 1;
    totals.operations += started.operations;
    totals.ms += ms;
    this.totals.set(started.key, totals);
  }
}

/** How many documents or statements a command carries (a find: the ids it asks for, when it asks by `_id: { $in }`). */
function operationsOf(name: string, command: Record<string, unknown>): number {
  const list = (field: string) => (Array.isArray(command[field]) ? (command[field] as unknown[]).length : 0);
  if (name === 'insert') return list('documents');
  if (name === 'update') return list('updates');
  if (name === 'delete') return list('deletes');
  if (name === 'find') {
    const id = (command['filter'] as { _id?: { $in?: unknown[] } } | undefined)?._id;
    return Array.isArray(id?.$in) ? id.$in.length : 1;
  }
  return 1;
}

/** Markdown rows: command and collection, round trips, operations, ms, µs per operation, share of the part's time. */
export function traceRows(totals: ReadonlyMap<string, Totals>, partMs: number, format: (value: number) => string): string[][] {
  const rows = [...totals].sort(([, a], [, b]) => b.ms - a.ms);
  const inCommands = rows.reduce((sum, [, t]) => sum + t.ms, 0);
  return [
    ...rows.map(([key, t]) => [key, format(t.commands), format(t.operations), format(t.ms), format((t.ms * 1000) / Math.max(1, t.operations)), `${((100 * t.ms) / partMs).toFixed(0)} %`]),
    ['everything else (Node: folding, digests, BSON, the event loop)', '', '', format(partMs - inCommands), '', `${((100 * (partMs - inCommands)) / partMs).toFixed(0)} %`],
  ];
}

/**
 * CPU milliseconds used so far by this process and, given its pid, by the database server (Linux
 * /proc; 0 elsewhere or when the pid is not given). Less sensitive than wall time to other load on
 * the machine, so runs on a busy machine still compare.
 */
export function cpuMs(serverPid: number): { node: number; server: number } {
  const usage = process.cpuUsage();
  return { node: (usage.user + usage.system) / 1000, server: serverPid > 0 ? processCpuMs(serverPid) : 0 };
}

function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which is in parentheses and may hold spaces): utime, stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;
