// `npm run bench:idle [-- --baseline=<dir>] [--settle=20] [--samples=3]`: the idle memory of every
// process of the compiled cluster (nginx, two gateways, the four services, a fresh database, no
// client). With --baseline, another checkout's cluster (built there beforehand) runs beside this
// one at the same time, so both are read on the same machine load. Each process is read
// `samples` times, `settle` seconds apart, after `settle` seconds of idling: RSS with its
// anonymous and file-backed parts (/proc/<pid>/status), V8 heap used/committed and external
// memory (its /metrics), and the CPU each spent idle between the first and the last reading
// (utime+stime, ms per second; the readings' own /metrics scrapes included). The figures are the last sample (RSS only falls at idle once the
// start-up garbage is collected); the range of RSS over the samples is printed beside it.
// --snapshot=DIR: after the last sample every process writes a heap snapshot into DIR
// (`--heapsnapshot-signal`; Heap.<date>.<pid>.….heapsnapshot, the pids printed at start).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '@switchboard/db';
import { cpuMsBetween, cpuTicks } from '../load/cpu.ts';
import type { RunningSystem } from '../load/system.ts';
import { freshBenchDatabase } from '../systems/database.ts';
import { deletePrefix } from '../systems/redis-keys.ts';
import { type SwitchboardCheckout, startSwitchboard } from '../systems/switchboard.ts';
import { type ProcessMemory, readProcessMemory } from './process-memory.ts';

const { values } = parseArgs({
  options: {
    baseline: { type: 'string' },
    settle: { type: 'string', default: '20' },
    samples: { type: 'string', default: '3' },
    snapshot: { type: 'string' },
  },
});
const snapshotDir = values.snapshot ? path.resolve(values.snapshot) : undefined;
if (snapshotDir) {
  fs.mkdirSync(snapshotDir, { recursive: true });
  // The cluster runner passes CLUSTER_NODE_ARGS to every Node child.
  process.env.CLUSTER_NODE_ARGS = `${process.env.CLUSTER_NODE_ARGS ?? ''} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapshotDir}`;
}
const settleMs = Number(values.settle) * 1000;
const samples = Number(values.samples);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const nonce = crypto.randomBytes(3).toString('hex');
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const say = (line: string) => process.stdout.write(`idle | ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
interface Row {
  memory: ProcessMemory;
  low: number;
  high: number;
  /** CPU the process spent idle, ms per second, between the first and the last reading. */
  cpu: number;
}
function table(title: string, rows: Row[]): string {
  const lines = [
    `${title}`,
    '',
    '| process | RSS MiB (range) | anon | file | PSS | heap used / total | external | idle CPU ms/s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { memory: m, low, high, cpu } of rows) {
    lines.push(
      `| ${m.name} | ${f(m.rss)} (${f(low)}–${f(high)}) | ${f(m.anon)} | ${f(m.file)} | ${f(m.pss)} | ${f(m.heapUsed)} / ${f(m.heapTotal)} | ${f(m.external)} | ${cpu.toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

/** Signal every process to write its snapshot, and wait until each file is complete. */
async function writeSnapshots(dir: string, pids: number[]): Promise<void> {
  const written = (pid: number) =>
    fs.readdirSync(dir).some((f) => f.includes(`.${pid}.`) && f.endsWith('.heapsnapshot'));
  for (const pid of pids) {
    process.kill(pid, 'SIGUSR2');
    // One at a time: each snapshot stops its process and takes a core for a few seconds.
    for (let waited = 0; !written(pid) && waited < 60_000; waited += 500) await sleep(500);
    await sleep(2000);
  }
  say(`heap snapshots of ${pids.join(', ')} in ${dir}`);
}

async function sample(system: RunningSystem) {
  return Promise.all((system.processes?.() ?? []).map((p) => readProcessMemory(p)));
}

const database = await freshBenchDatabase();
const jwtSecret = `idle-${crypto.randomBytes(12).toString('hex')}`;
const prefixes: string[] = [];
const systems: RunningSystem[] = [];
let checkouts: SwitchboardCheckout[] = [];
try {
  say(`load average ${load()} at start`);
  checkouts = [{ name: 'switchboard', root: REPO_ROOT }];
  if (values.baseline) checkouts.push({ name: 'switchboard-baseline', root: values.baseline });
  for (const checkout of checkouts) {
    const prefix = `idle:${nonce}:${checkout.name}:`;
    prefixes.push(prefix);
    systems.push(await startSwitchboard({ jwtSecret, redisUrl, prefix, databaseUrl: database.url }, checkout));
  }
  await sleep(settleMs);
  const pidsOf = (system: RunningSystem) => (system.processes?.() ?? []).map((p) => p.pid);
  const cpuStart = cpuTicks(systems.flatMap(pidsOf));
  const startedAt = performance.now();
  const reads: ProcessMemory[][][] = systems.map(() => []);
  for (let i = 0; i < samples; i++) {
    if (i > 0) await sleep(settleMs);
    const round = await Promise.all(systems.map(sample));
    for (const [s, r] of round.entries()) reads[s]!.push(r);
  }
  const cpuEnd = cpuTicks(systems.flatMap(pidsOf));
  const idleSeconds = (performance.now() - startedAt) / 1000;
  const idleCpu = (pid: number) =>
    cpuMsBetween(new Map([[pid, cpuStart.get(pid) ?? 0]]), new Map([[pid, cpuEnd.get(pid) ?? 0]])) / idleSeconds;
  say(`load average ${load()} at the last sample`);
  if (snapshotDir) {
    await writeSnapshots(
      snapshotDir,
      systems.flatMap((system) => (system.processes?.() ?? []).map((p) => p.pid)),
    );
  }
  const tables: Row[][] = systems.map((system, s) => {
    const pids = pidsOf(system);
    const rows = reads[s]!.at(-1)!.map((memory, p) => {
      const rss = reads[s]!.map((r) => r[p]!.rss);
      return { memory, low: Math.min(...rss), high: Math.max(...rss), cpu: idleCpu(pids[p]!) };
    });
    process.stdout.write(`\n${table(`${system.name} (${checkouts[s]!.root})`, rows)}\n`);
    return rows;
  });
  if (tables.length === 2) {
    const [after, before] = [tables[0]!, tables[1]!];
    process.stdout.write(
      '\n| process | RSS before → after MiB | ratio | heap used before → after | idle CPU ms/s before → after |\n|---|---:|---:|---:|---:|\n',
    );
    for (const { memory: a, cpu } of after) {
      const b = before.find((r) => r.memory.name === a.name);
      if (!b) continue;
      process.stdout.write(
        `| ${a.name} | ${f(b.memory.rss)} → ${f(a.rss)} | ${(a.rss / b.memory.rss).toFixed(2)}× | ${f(b.memory.heapUsed)} → ${f(a.heapUsed)} | ${b.cpu.toFixed(2)} → ${cpu.toFixed(2)} |\n`,
      );
    }
  }
} finally {
  for (const system of systems) await system.stop();
  for (const prefix of prefixes) await deletePrefix(redisUrl, prefix).catch(() => 0);
  await database.drop();
}
process.exit(0);
