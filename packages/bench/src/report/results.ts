import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SystemName } from '../load/system.ts';

export const SCENARIO_NAMES = ['connect', 'fanout', 'fanout-burst', 'fanout-500', 'idle-10k', 'sweep'] as const;
/** `sweep` runs only when asked for (`--scenarios=sweep`): it is several fan-outs long. */
export const DEFAULT_SCENARIOS = SCENARIO_NAMES.filter((s) => s !== 'sweep');
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** One row of `bench/results/latest.json`. Null where a figure does not apply to the scenario. */
export interface ScenarioResult {
  name: ScenarioName;
  system: SystemName;
  connections: number;
  /** connect: handshakes per second achieved; fanout: target messages per second. */
  rate: number;
  p50Ms: number;
  p99Ms: number;
  deliveredPerSec: number | null;
  /** fanout: expected deliveries that never arrived; connect: failed handshakes. */
  lost: number;
  rssPerConnectionKb: number | null;
  /** fanout: utime+stime of every process of the system during the send phase, per 1,000 deliveries in it. */
  cpuMsPer1kDeliveries: number | null;
  details?: Record<string, unknown>;
}

export interface BenchResults {
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    node: string;
    platform: string;
    note: string;
    loadAverageAtStart: number[];
  };
  /** 1/5/15-minute load averages when the run ended: other work on the machine skews the figures. */
  loadAverageAtEnd?: number[];
  startedAt: string;
  finishedAt?: string;
  mode: 'quick' | 'full';
  scenarios: ScenarioResult[];
  /** Systems that could not be run, with the reason. */
  skipped: { system: SystemName; reason: string; absent?: boolean }[];
}

export function describeMachine(): BenchResults['machine'] {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    note: 'load generator, servers, Redis, Postgres and nginx share these cores: compare ratios, not absolute figures',
    loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

export function writeResults(file: string, results: BenchResults): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
