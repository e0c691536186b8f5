// `npm run bench [-- --quick]`: start each system in turn on this machine, drive it with the same
// Node load generator (connect storm + memory, chat fan-out), print a markdown table, write
// bench/results/latest.json and docs/performance-chart.svg. See packages/bench/README.md.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@switchboard/db';
import { runConnect } from './load/connect-scenario.ts';
import type { FanoutOptions } from './load/fanout-scenario.ts';
import { runFanout } from './load/fanout-scenario.ts';
import type { RunningSystem, SystemName } from './load/system.ts';
import { parseOptions } from './options.ts';
import { renderChart } from './report/chart.ts';
import { type HopTraceTable, hopTraceMarkdown } from './report/hop-trace.ts';
import {
  type BenchResults,
  describeMachine,
  type ScenarioName,
  type ScenarioResult,
  writeResults,
} from './report/results.ts';
import { markdownTable, ratioTable } from './report/table.ts';
import { startSocketioRedisNaive, startSocketioRedisPlain, startSocketioSingle } from './systems/baselines.ts';
import { centrifugoMissing, startCentrifugo } from './systems/centrifugo.ts';
import { freshBenchDatabase } from './systems/database.ts';
import { deletePrefix } from './systems/redis-keys.ts';
import { clusterRunnerExists, startSwitchboard } from './systems/switchboard.ts';

const say = (line: string) => process.stdout.write(`bench | ${line}\n`);

const options = parseOptions(process.argv.slice(2));
const runNonce = crypto.randomBytes(3).toString('hex');
const jwtSecret = `bench-${crypto.randomBytes(12).toString('hex')}`;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefixOf = (system: SystemName) => `bench:${runNonce}:${system}:`;

const results: BenchResults = {
  machine: describeMachine(),
  startedAt: new Date().toISOString(),
  mode: options.mode,
  scenarios: [],
  skipped: [],
};
let current: RunningSystem | undefined;
process.once('SIGINT', () => {
  say('interrupted; stopping the running system');
  void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
});

if (options.baseline) say(`switchboard-baseline: the cluster of ${options.baseline}`);
say(
  `mode ${options.mode}, systems ${options.systems.join(', ')}, load average ${results.machine.loadAverageAtStart.join(' ')}`,
);
const database = await freshBenchDatabase();
say('fresh database ready');

async function start(system: SystemName): Promise<RunningSystem> {
  const shared = { jwtSecret, redisUrl, prefix: prefixOf(system), databaseUrl: database.url };
  if (system === 'socketio-single') return startSocketioSingle(jwtSecret);
  if (system === 'socketio-redis-naive') return startSocketioRedisNaive(shared);
  if (system === 'socketio-redis-plain') return startSocketioRedisPlain(shared);
  if (system === 'centrifugo') return startCentrifugo(shared);
  const root = system === 'switchboard-baseline' ? options.baseline! : REPO_ROOT;
  if (!clusterRunnerExists(root))
    throw new Error(
      `${path.join(root, 'packages/cli/dist/cluster.js')} does not exist: run \`npm run build\` there (npm run bench builds only this checkout)`,
    );
  return startSwitchboard(shared, { name: system, root });
}

/** The chosen scenarios, in a fixed order, against one running system. */
async function runScenarios(system: RunningSystem): Promise<void> {
  const name = system.name;
  // Both Switchboard clusters share the database: users and rooms of their own, or the second
  // run's sessions would open with the first one's rooms.
  const nonce = name === 'switchboard-baseline' ? `${runNonce}b` : runNonce;
  const wants = (scenario: ScenarioName) => options.scenarios.includes(scenario);
  const fanoutLine = (f: FanoutOptions) =>
    `${f.rooms} rooms × ${f.roomSize}, ${f.senders === 'one' ? 'one sender per room, ' : ''}${f.rate} msg/s for ${f.durationSec} s`;
  const record = (row: ScenarioResult) => {
    results.scenarios.push(row);
    const trace = row.details?.hopTrace as HopTraceTable | undefined;
    if (trace) process.stdout.write(`\n${name} ${row.name}, one message hop by hop:\n\n${hopTraceMarkdown(trace)}\n\n`);
    say(
      `${name}: ${row.name}: p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, lost ${row.lost}, load average ${os
        .loadavg()
        .map((v) => v.toFixed(2))
        .join(' ')}`,
    );
  };
  if (wants('connect')) {
    say(`${name}: connect (${options.connect.connections} sockets)`);
    record(await runConnect(system, options.connect, nonce));
  }
  if (wants('fanout')) {
    say(`${name}: fanout (${fanoutLine(options.fanout)})`);
    record(await runFanout(system, options.fanout, nonce));
  }
  if (wants('fanout-burst')) {
    say(`${name}: fanout-burst (${fanoutLine(options.burst)})`);
    record(await runFanout(system, options.burst, nonce, 'fanout-burst'));
  }
  if (wants('fanout-500')) {
    say(`${name}: fanout-500 (${fanoutLine(options.fanout500)})`);
    record(await runFanout(system, options.fanout500, nonce, 'fanout-500'));
  }
  if (wants('sweep')) {
    // Rising rates on fresh rooms each, until one is not held: issue 14's "persisted msg/s before p99 passes 100 ms".
    let held: number | null = null;
    for (const rate of options.sweep.rates) {
      const step = { ...options.sweep, rate };
      say(`${name}: sweep (${fanoutLine(step)}; held while p99 ≤ ${step.p99LimitMs} ms, nothing lost)`);
      // Users and message ids of its own per step: a reused clientMessageId would be answered as a retry, not delivered.
      const row = await runFanout(system, step, `${nonce}r${rate}`, 'sweep');
      const ok = row.p99Ms <= step.p99LimitMs && row.lost === 0 && row.details?.sendFailures === 0;
      if (ok) held = rate;
      record({ ...row, details: { ...row.details, held: ok } });
      if (!ok) break;
    }
    say(`${name}: sweep: highest rate held ${held ?? `none (not even ${options.sweep.rates[0]} msg/s)`}`);
  }
  if (wants('idle-10k')) {
    say(`${name}: idle-10k (${options.idle.connections} idle sockets)`);
    record(await runConnect(system, options.idle, nonce, 'idle-10k'));
  }
}

try {
  for (const name of options.systems) {
    // A peer that cannot exist on this machine is skipped with its reason, not counted as a failure.
    const absent = name === 'centrifugo' ? centrifugoMissing() : undefined;
    if (absent) {
      say(`${name}: SKIPPED: ${absent}`);
      results.skipped.push({ system: name, reason: absent, absent: true });
      continue;
    }
    say(`${name}: starting`);
    try {
      current = await start(name);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      say(`${name}: could not start: ${reason}`);
      results.skipped.push({ system: name, reason: reason.slice(0, 2000) });
      continue;
    }
    try {
      await runScenarios(current);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      say(`${name}: scenario failed: ${reason}`);
      const tail = current.logTail?.();
      if (tail) say(`${name}: its last lines:\n${tail}`);
      results.skipped.push({ system: name, reason: reason.slice(0, 2000) });
    } finally {
      await current.stop();
      current = undefined;
      await deletePrefix(redisUrl, prefixOf(name)).catch(() => 0);
      say(`${name}: stopped`);
    }
  }
} finally {
  await database.drop().catch((error: Error) => say(`could not drop the bench database: ${error.message}`));
}

results.finishedAt = new Date().toISOString();
results.loadAverageAtEnd = os.loadavg().map((v) => Math.round(v * 100) / 100);
writeResults(path.resolve(REPO_ROOT, options.out), results);
if (options.chart) {
  const chartFile = path.join(REPO_ROOT, 'docs', 'performance-chart.svg');
  fs.mkdirSync(path.dirname(chartFile), { recursive: true });
  fs.writeFileSync(
    chartFile,
    renderChart(
      results.scenarios,
      `npm run bench${options.mode === 'quick' ? ' -- --quick' : ''} · ${results.startedAt.slice(0, 16)}Z`,
    ),
  );
}

process.stdout.write(`\n${markdownTable(results.scenarios)}\n`);
// switchboard-baseline first: this checkout against the other, from the same run.
for (const baseline of ['switchboard-baseline', 'centrifugo', 'socketio-redis-plain', 'socketio-single'] as const) {
  if (!results.scenarios.some((r) => r.system === baseline)) continue;
  process.stdout.write(`\nRatios vs ${baseline}:\n\n${ratioTable(results.scenarios, baseline)}\n`);
}
process.stdout.write(
  `\nload average at start ${results.machine.loadAverageAtStart.join(' ')}, at end ${results.loadAverageAtEnd.join(' ')}\n`,
);
for (const skip of results.skipped)
  process.stdout.write(
    `\n${skip.absent ? 'SKIPPED' : 'NOT RUN / FAILED'}: ${skip.system}: ${skip.reason.split('\n')[0]}\n`,
  );
say(`wrote ${options.out}`);
process.exit(results.skipped.some((s) => !s.absent) ? 1 : 0);
