// The short chaos round `npm test` runs (issue 13 item 8): `npm run chaos -- --seconds=N` for
// longer ones. Random SIGKILLs of gateways and services, Postgres backends terminated and the
// private Redis restarted empty, under steady chat load through nginx; then every acked message
// must have reached every member exactly once in seq order, and presence must have converged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runChaos } from './chaos/run.ts';

const SECONDS = Number(process.env.CHAOS_SECONDS ?? 25);

test(`a ${SECONDS}-second chaos round loses, duplicates and reorders nothing acked`, async (t) => {
  const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
  const report = await runChaos({ seconds: SECONDS, seed });
  const { faults, ...figures } = report;
  t.diagnostic(`chaos report (seed ${seed}): ${JSON.stringify(figures)}`);
  t.diagnostic(`faults: ${faults.join('; ')}`);
  assert.ok(report.processKills + report.postgresTerminations + report.redisRestarts > 0, 'faults were injected');
  assert.ok(report.acked > 0, 'messages were acked under the faults');
  assert.equal(report.lost, 0, 'lost');
  assert.equal(report.duplicated, 0, 'duplicated');
  assert.equal(report.outOfOrder, 0, 'out of order');
  assert.equal(report.seqGaps, 0, 'seq gaps');
  assert.equal(report.presenceConverged, true, 'presence converged');
});
