import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { descendants } from '../systems/processes.ts';

/**
 * Server CPU from /proc: utime + stime of a set of processes, read before and after a phase.
 * Per 1,000 deliveries it is comparable across systems that do the same work in different shapes
 * (one Go process, or nginx + gateways + services).
 */

let ticksPerSecond: number | undefined;
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim();
    const value = Number(out);
    ticksPerSecond = Number.isFinite(value) && value > 0 ? value : 100;
  }
  return ticksPerSecond;
}

/** utime + stime (clock ticks) from the text of /proc/<pid>/stat; the command name may hold spaces and parens. */
export function parseCpuTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error(`unparsable /proc stat: ${stat.slice(0, 80)}`);
  return utime + stime;
}

/** CPU ticks per pid; a pid that is gone is left out. */
export function cpuTicks(pids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      out.set(pid, parseCpuTicks(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')));
    } catch {
      // exited
    }
  }
  return out;
}

/** Milliseconds of CPU between two readings, over the pids present in both. */
export function cpuMsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, start] of before) {
    const end = after.get(pid);
    if (end !== undefined) ticks += end - start;
  }
  return (ticks * 1000) / clockTicksPerSecond();
}

/** The roots and all their descendants (nginx workers, the cluster's children). */
export function processTree(roots: readonly number[]): number[] {
  const all = new Set<number>();
  for (const root of roots) {
    all.add(root);
    for (const child of descendants(root)) all.add(child.pid);
  }
  return [...all];
}

/** Pids whose /proc/<pid>/comm is one of `names` (the machine's shared Redis and Postgres). */
export function pidsByName(names: readonly string[]): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) out.push(Number(entry));
    } catch {
      // exited
    }
  }
  return out;
}

/**
 * A short name for a server process, from its command line: `services/<name>/dist` for the
 * cluster's children, else the program's base name (nginx, centrifugo, node).
 */
export function processLabel(cmdline: string): string {
  const service = /services\/([\w-]+)\//.exec(cmdline)?.[1];
  if (service) return service;
  const program = cmdline.split(' ')[0] ?? '';
  return program.slice(program.lastIndexOf('/') + 1).replace(/:$/, '') || 'unknown';
}

function cmdlineOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** Milliseconds of CPU between two readings per process label; processes sharing one are summed ("gateway": both). */
export function cpuMsByLabel(
  before: Map<number, number>,
  after: Map<number, number>,
  labelOf: (pid: number) => string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [pid, start] of before) {
    const end = after.get(pid);
    if (end === undefined) continue;
    const label = labelOf(pid);
    out[label] = (out[label] ?? 0) + ((end - start) * 1000) / clockTicksPerSecond();
  }
  return out;
}

/** A running CPU measurement of the system's processes and of the shared Redis and Postgres. */
export function startCpuMeter(serverPids: readonly number[]) {
  const redis = pidsByName(['redis-server']);
  const postgres = pidsByName(['postgres']);
  const labels = new Map(serverPids.map((pid) => [pid, processLabel(cmdlineOf(pid))]));
  const start = { server: cpuTicks(serverPids), redis: cpuTicks(redis), postgres: cpuTicks(postgres) };
  return () => {
    const server = cpuTicks(serverPids);
    return {
      serverMs: cpuMsBetween(start.server, server),
      // Which of the system's processes the CPU went to: where a lever would act.
      serverMsByProcess: cpuMsByLabel(start.server, server, (pid) => labels.get(pid) ?? 'unknown'),
      redisMs: cpuMsBetween(start.redis, cpuTicks(redis)),
      postgresMs: cpuMsBetween(start.postgres, cpuTicks(postgres)),
    };
  };
}
