import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { percentile } from '../load/latency.ts';
import { SYSTEM_NAMES } from '../load/system.ts';
import { parseOptions } from '../options.ts';
import { renderChart } from './chart.ts';
import type { ScenarioResult } from './results.ts';
import { markdownTable, ratioTable } from './table.ts';

const row = (system: ScenarioResult['system'], p50Ms: number): ScenarioResult => ({
  name: 'fanout',
  system,
  connections: 10,
  rate: 100,
  p50Ms,
  p99Ms: p50Ms * 2,
  deliveredPerSec: 900,
  lost: 0,
  rssPerConnectionKb: null,
  cpuMsPer1kDeliveries: p50Ms * 10,
});

describe('bench reporting', () => {
  test('percentile takes the nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(samples, 50), 50);
    assert.equal(percentile(samples, 99), 99);
    assert.equal(percentile([7], 99), 7);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  test('the table has one row per result and ratios are against socketio-single', () => {
    const rows = [row('socketio-single', 2), row('switchboard', 6)];
    assert.equal(markdownTable(rows).split('\n').length, 4);
    assert.match(
      ratioTable(rows, 'socketio-single'),
      /\| fanout \| switchboard \| 1\.00 \| 3\.00 \| 3\.00 \| 1\.00 \| – \| 3\.00 \|/,
    );
    assert.match(markdownTable(rows), /\| fanout \| switchboard \| 10 \| 100 \| 6 \| 12 \| 900 \| 0 \| – \| 60 \|/);
    // No baseline row for the scenario: no ratio line rather than a made-up one.
    assert.equal(ratioTable(rows, 'centrifugo').split('\n').length, 2);
  });

  test('the chart is an SVG naming every system, with n/a for missing figures', () => {
    const svg = renderChart([row('switchboard', 5)], 'caption & more');
    assert.match(svg, /^<svg /);
    for (const name of SYSTEM_NAMES) assert.ok(svg.includes(name), name);
    assert.ok(svg.includes('n/a'));
    assert.ok(svg.includes('caption &amp; more'));
  });

  test('options: --quick picks the small preset, knobs override it, unknown flags are refused', () => {
    const quick = parseOptions(['--quick', '--systems=switchboard', '--rate=50']);
    assert.equal(quick.mode, 'quick');
    assert.deepEqual(quick.systems, ['switchboard']);
    assert.equal(quick.fanout.rate, 50);
    assert.equal(parseOptions([]).mode, 'full');
    assert.throws(() => parseOptions(['--systems=k6']), /unknown system/);
    assert.throws(() => parseOptions(['--rate=fast']), /positive number/);
    assert.throws(() => parseOptions(['--bogus']), /unknown argument/);
  });

  test('options: the 500-receiver fan-out and 10k idle presets, scenario selection, senders', () => {
    const full = parseOptions([]);
    assert.deepEqual(full.scenarios, ['connect', 'fanout', 'fanout-burst', 'fanout-500', 'idle-10k']);
    assert.deepEqual(
      {
        rooms: full.fanout500.rooms,
        roomSize: full.fanout500.roomSize,
        rate: full.fanout500.rate,
        senders: full.fanout500.senders,
      },
      { rooms: 1, roomSize: 500, rate: 100, senders: 'one' },
    );
    assert.equal(full.fanout500.durationSec, 10);
    assert.equal(full.idle.connections, 10_000);
    const picked = parseOptions(['--scenarios=fanout-500,idle-10k', '--idle-connections=300', '--senders=one']);
    assert.deepEqual(picked.scenarios, ['fanout-500', 'idle-10k']);
    assert.equal(picked.idle.connections, 300);
    assert.equal(picked.fanout.senders, 'one');
    assert.equal(picked.connect.connections, full.connect.connections, '--idle-connections leaves connect alone');
    assert.throws(() => parseOptions(['--scenarios=soak']), /unknown scenario soak/);
    assert.throws(() => parseOptions(['--scenarios=']), /unknown scenario/);
    assert.deepEqual(parseOptions(['--systems=centrifugo,socketio-redis-plain']).systems, [
      'centrifugo',
      'socketio-redis-plain',
    ]);
  });

  test('options: --baseline names another checkout run as switchboard-baseline, never without one', () => {
    assert.ok(!parseOptions([]).systems.includes('switchboard-baseline'), 'not in the default run');
    assert.equal(parseOptions([]).baseline, undefined);
    const both = parseOptions([
      '--systems=switchboard,switchboard-baseline,centrifugo',
      '--baseline=/work/wt/baseline',
    ]);
    assert.deepEqual(both.systems, ['switchboard', 'switchboard-baseline', 'centrifugo']);
    assert.equal(both.baseline, '/work/wt/baseline');
    // Without --systems it joins the default list right after switchboard.
    assert.deepEqual(parseOptions(['--baseline=/tmp/other']).systems.slice(0, 3), [
      'switchboard',
      'switchboard-baseline',
      'centrifugo',
    ]);
    assert.equal(parseOptions(['--baseline=relative/dir']).baseline, path.resolve('relative/dir'));
    assert.throws(() => parseOptions(['--systems=switchboard-baseline']), /needs --baseline/);
    assert.throws(() => parseOptions(['--baseline=']), /expected a directory/);
  });

  test('options: the sweep runs only when asked for, 300 × 3 at rising rates against a 100 ms p99', () => {
    assert.ok(!parseOptions([]).scenarios.includes('sweep'), 'not in the default run');
    const { scenarios, sweep } = parseOptions(['--scenarios=sweep']);
    assert.deepEqual(scenarios, ['sweep']);
    assert.deepEqual([sweep.rooms, sweep.roomSize, sweep.p99LimitMs, sweep.senders], [300, 3, 100, 'all']);
    assert.deepEqual(
      sweep.rates,
      [...sweep.rates].sort((a, b) => a - b),
      'ascending',
    );
    assert.ok(sweep.rates.at(-1)! >= 6000, 'reaches issue 14 target of 6,000 msg/s');
  });

  test('the ratio table against switchboard-baseline gives after / before per scenario', () => {
    const rows = [row('switchboard-baseline', 10), row('switchboard', 5), row('centrifugo', 4)];
    const table = ratioTable(rows, 'switchboard-baseline');
    assert.match(table, /\| fanout \| switchboard \| 1\.00 \| 0\.50 \| 0\.50 \| 1\.00 \| – \| 0\.50 \|/);
    assert.match(table, /\| fanout \| centrifugo \| 1\.00 \| 0\.40 \|/);
    assert.match(markdownTable(rows), /\| fanout \| switchboard-baseline \| 10 \| 100 \| 10 \| 20 \|/);
  });
});
