// `npm run bench [-- --quick]`: start each system in turn on this machine, drive it with the same
// Node load generator (connect storm + memory, chat fan-out), print a markdown table, write
// bench/results/latest.json and docs/performance-chart.svg. See packages/bench/README.md.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@switchboard/db';
import { runConnect } from './load/connect-scenario.ts';
import { runFanout } from './load/fanout-scenario.ts';
import type { RunningSystem, SystemName } from './load/system.ts';
import { parseOptions } from './options.ts';
import { renderChart } from './report/chart.ts';
import { type BenchResults, describeMachine, writeResults } from './report/results.ts';
import { markdownTable, ratioTable } from './report/table.ts';
import { startSocketioRedisNaive, startSocketioSingle } from './systems/baselines.ts';
import { freshBenchDatabase } from './systems/database.ts';
import { deletePrefix } from './systems/redis-keys.ts';
import { clusterRunnerExists, startSwitchboard } from './systems/switchboard.ts';

const say = (line: string) => process.stdout.write(`bench | ${line}\n`);

const options = parseOptions(process.argv.slice(2));
const nonce = crypto.randomBytes(3).toString('hex');
const jwtSecret = `bench-${crypto.randomBytes(12).toString('hex')}`;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefixOf = (system: SystemName) => `bench:${nonce}:${system}:`;

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

say(
  `mode ${options.mode}, systems ${options.systems.join(', ')}, load average ${results.machine.loadAverageAtStart.join(' ')}`,
);
const database = await freshBenchDatabase();
say('fresh database ready');

async function start(system: SystemName): Promise<RunningSystem> {
  const shared = { jwtSecret, redisUrl, prefix: prefixOf(system), databaseUrl: database.url };
  if (system === 'socketio-single') return startSocketioSingle(jwtSecret);
  if (system === 'socketio-redis-naive') return startSocketioRedisNaive(shared);
  if (!clusterRunnerExists())
    throw new Error('packages/cli/dist/cluster.js does not exist: run `npm run build` (npm run bench does)');
  return startSwitchboard(shared);
}

try {
  for (const name of options.systems) {
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
      say(`${name}: connect (${options.connect.connections} sockets)`);
      results.scenarios.push(await runConnect(current, options.connect, nonce));
      say(
        `${name}: fanout (${options.fanout.rooms} rooms × ${options.fanout.roomSize}, ${options.fanout.rate} msg/s for ${options.fanout.durationSec} s)`,
      );
      results.scenarios.push(await runFanout(current, options.fanout, nonce));
      say(
        `${name}: fanout-burst (${options.burst.rooms} rooms × ${options.burst.roomSize}, ${options.burst.rate} msg/s for ${options.burst.durationSec} s)`,
      );
      results.scenarios.push(await runFanout(current, options.burst, nonce, 'fanout-burst'));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      say(`${name}: scenario failed: ${reason}`);
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

process.stdout.write(
  `\n${markdownTable(results.scenarios)}\n\nRatios vs socketio-single:\n\n${ratioTable(results.scenarios)}\n`,
);
for (const skip of results.skipped)
  process.stdout.write(`\nNOT RUN / FAILED: ${skip.system}: ${skip.reason.split('\n')[0]}\n`);
say(`wrote ${options.out}`);
process.exit(results.skipped.length > 0 ? 1 : 0);
