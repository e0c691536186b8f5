// The soak's checkpoints as the Markdown table docs/performance.md ("Soak") shows.
import { type MemorySample, mib } from './memory.ts';
import type { LoopSample } from './server.ts';
import type { Verdict } from './verdict.ts';

export interface Checkpoint {
  name: string;
  /** Cycles or sends that failed in the work before the checkpoint. */
  failed: number | undefined;
  /** Wall time of the work before the checkpoint (s). */
  seconds: number;
  /** CPU the server and the driver spent on it (s): which of the two was the bottleneck. */
  serverCpuSeconds: number;
  driverCpuSeconds: number;
  /** The machine's 1-minute load average when the checkpoint was taken. */
  load1: number;
  loop: LoopSample;
  memory: MemorySample;
}

const resources = (r: Record<string, number>) =>
  Object.entries(r)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');

export function checkpointTable(checkpoints: Checkpoint[]): string {
  const rows = [
    '| after | failed | took (s) | CPU server / driver (s) | load | heap after GC (MiB) | RSS (MiB) | external / arrayBuffers (MiB) | sockets | handles | loop delay p99 / mean (ms) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const c of checkpoints) {
    rows.push(
      `| ${c.name} | ${c.failed ?? '—'} | ${c.seconds} | ${c.serverCpuSeconds} / ${c.driverCpuSeconds} | ${c.load1.toFixed(1)} | ${mib(c.memory.heapUsedBytes)} | ${mib(c.memory.rssBytes)} | ${mib(c.memory.externalBytes)} / ${mib(c.memory.arrayBuffersBytes)} | ${c.loop.connections} | ${resources(c.memory.resources)} | ${c.loop.loopDelayP99Ms} / ${c.loop.loopDelayMeanMs} |`,
    );
  }
  return rows.join('\n');
}

export function verdictText(verdict: Verdict): string {
  const deltas = verdict.deltas
    .map(
      (d) =>
        `${d.checkpoint}: heap ${d.heapDeltaBytes >= 0 ? '+' : ''}${mib(d.heapDeltaBytes)} MiB, RSS ${d.rssDeltaBytes >= 0 ? '+' : ''}${mib(d.rssDeltaBytes)} MiB, external ${d.externalDeltaBytes >= 0 ? '+' : ''}${mib(d.externalDeltaBytes)} MiB, handles ${d.resourcesDelta >= 0 ? '+' : ''}${d.resourcesDelta}`,
    )
    .join('; ');
  const outcome = verdict.noGrowth
    ? `no growth beyond noise (threshold ${mib(verdict.thresholdBytes)} MiB)`
    : `GROWTH: ${verdict.reasons.join('; ')} (threshold ${mib(verdict.thresholdBytes)} MiB)`;
  return `pass 2 minus pass 1 — ${deltas}\nverdict: ${outcome}`;
}
