import path from 'node:path';
import type { ConnectOptions } from './load/connect-scenario.ts';
import type { FanoutOptions } from './load/fanout-scenario.ts';
import { SYSTEM_NAMES, type SystemName } from './load/system.ts';
import { DEFAULT_SCENARIOS, SCENARIO_NAMES, type ScenarioName } from './report/results.ts';

export interface BenchOptions {
  mode: 'quick' | 'full';
  systems: SystemName[];
  scenarios: ScenarioName[];
  connect: ConnectOptions;
  fanout: FanoutOptions;
  /** Small rooms at a high rate: where per-message costs (one insert each) start to queue. */
  burst: FanoutOptions;
  /** One sender, one big room split evenly over the upstreams: the broadcast path (issue 14's headline). */
  fanout500: FanoutOptions;
  /** Many idle authenticated sockets: capacity and memory per connection. */
  idle: ConnectOptions;
  /** Small rooms at rising rates until p99 passes `p99LimitMs` (issue 14: persisted msg/s held). */
  sweep: SweepOptions;
  /** Where latest.json goes (relative to the repo root). */
  out: string;
  chart: boolean;
  /** `--baseline=<dir>`: another checkout (built) whose cluster runs as `switchboard-baseline`. */
  baseline?: string;
}

export interface SweepOptions extends FanoutOptions {
  /** Tried in order; the sweep stops at the first that is not held. */
  rates: number[];
  /** A rate is held when p99 stays at or under this, nothing is lost and every send is acked. */
  p99LimitMs: number;
}

const SIZES = {
  quick: {
    connect: { connections: 300, concurrency: 50, settleMs: 1500 },
    fanout: { rooms: 10, roomSize: 10, rate: 100, durationSec: 8, drainMs: 10_000, concurrency: 50, senders: 'all' },
    burst: { rooms: 100, roomSize: 3, rate: 600, durationSec: 6, drainMs: 15_000, concurrency: 50, senders: 'all' },
    fanout500: { rooms: 1, roomSize: 200, rate: 50, durationSec: 5, drainMs: 15_000, concurrency: 50, senders: 'one' },
    idle: { connections: 2000, concurrency: 100, settleMs: 2000 },
    sweep: {
      rooms: 100,
      roomSize: 3,
      rate: 300,
      rates: [300, 600, 1200],
      p99LimitMs: 100,
      durationSec: 5,
      drainMs: 15_000,
      concurrency: 50,
      senders: 'all',
    },
  },
  full: {
    connect: { connections: 1500, concurrency: 100, settleMs: 3000 },
    fanout: { rooms: 50, roomSize: 20, rate: 300, durationSec: 30, drainMs: 20_000, concurrency: 100, senders: 'all' },
    burst: { rooms: 200, roomSize: 3, rate: 1000, durationSec: 20, drainMs: 30_000, concurrency: 100, senders: 'all' },
    fanout500: {
      rooms: 1,
      roomSize: 500,
      rate: 100,
      durationSec: 10,
      drainMs: 30_000,
      concurrency: 100,
      senders: 'one',
    },
    idle: { connections: 10_000, concurrency: 200, settleMs: 5000 },
    sweep: {
      rooms: 300,
      roomSize: 3,
      rate: 1000,
      rates: [250, 500, 1000, 1500, 2000, 3000, 4000, 6000, 8000],
      p99LimitMs: 100,
      durationSec: 10,
      drainMs: 20_000,
      concurrency: 100,
      senders: 'all',
    },
  },
} satisfies Record<BenchOptions['mode'], Sizes>;

export const USAGE = `usage: npm run bench -- [--quick] [--systems=${SYSTEM_NAMES.join(',')}] [--scenarios=${SCENARIO_NAMES.join(',')}]
       [--out=bench/results/latest.json] [--no-chart] [--baseline=DIR]  (DIR: another checkout, built: adds switchboard-baseline)
       [--connections=N] [--rooms=N] [--room-size=N] [--rate=MSGS_PER_SEC] [--duration=SEC] [--senders=all|one]  (the fanout scenario)
       [--idle-connections=N]  (the idle-10k scenario)`;

/** Parse `npm run bench -- …` arguments; throws with the usage line on anything unknown. */
export function parseOptions(argv: string[]): BenchOptions {
  let mode: BenchOptions['mode'] = 'full';
  let systems: SystemName[] | undefined;
  let baseline: string | undefined;
  let scenarios: ScenarioName[] = [...DEFAULT_SCENARIOS];
  let senders: FanoutOptions['senders'] | undefined;
  let out = 'bench/results/latest.json';
  let chart = true;
  const overrides: string[] = [];
  for (const arg of argv) {
    if (arg === '--quick') mode = 'quick';
    else if (arg === '--no-chart') chart = false;
    else if (arg.startsWith('--out=')) out = arg.slice('--out='.length);
    else if (arg.startsWith('--baseline=')) baseline = directoryOf(arg);
    else if (OVERRIDES.some((o) => arg.startsWith(`--${o.flag}=`))) overrides.push(arg);
    else if (arg.startsWith('--systems=')) systems = pickNames(arg, SYSTEM_NAMES, 'system');
    else if (arg.startsWith('--scenarios=')) scenarios = pickNames(arg, SCENARIO_NAMES, 'scenario');
    else if (arg === '--senders=all' || arg === '--senders=one') senders = arg.endsWith('one') ? 'one' : 'all';
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  const sizes: Sizes = {
    connect: { ...SIZES[mode].connect },
    fanout: { ...SIZES[mode].fanout },
    burst: { ...SIZES[mode].burst },
    fanout500: { ...SIZES[mode].fanout500 },
    idle: { ...SIZES[mode].idle },
    sweep: { ...SIZES[mode].sweep, rates: [...SIZES[mode].sweep.rates] },
  };
  if (senders) sizes.fanout.senders = senders;
  const chosen = withBaseline(systems, baseline);
  for (const arg of overrides) {
    const [flag, raw] = arg.slice(2).split('=') as [string, string];
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${arg}: expected a positive number\n${USAGE}`);
    OVERRIDES.find((o) => o.flag === flag)!.apply(sizes, value);
  }
  return { mode, systems: chosen, scenarios, out, chart, ...sizes, ...(baseline ? { baseline } : {}) };
}

/**
 * `switchboard-baseline` runs only against a checkout named with `--baseline=<dir>`: without
 * `--systems` it joins right after `switchboard`; named in `--systems` without a directory it is refused.
 */
function withBaseline(systems: SystemName[] | undefined, baseline: string | undefined): SystemName[] {
  if (systems) {
    if (systems.includes('switchboard-baseline') && !baseline)
      throw new Error(`switchboard-baseline needs --baseline=<dir of another checkout>\n${USAGE}`);
    return systems;
  }
  return SYSTEM_NAMES.filter((s) => s !== 'switchboard-baseline' || baseline !== undefined);
}

/** `--baseline=<dir>`, absolute; an empty value is refused (it would mean this checkout). */
function directoryOf(arg: string): string {
  const dir = arg.slice(arg.indexOf('=') + 1);
  if (!dir) throw new Error(`--baseline: expected a directory\n${USAGE}`);
  return path.resolve(dir);
}

/** `--flag=a,b` as names of a known list; anything unknown is refused with the usage line. */
function pickNames<T extends string>(arg: string, known: readonly T[], what: string): T[] {
  const names = arg
    .slice(arg.indexOf('=') + 1)
    .split(',')
    .filter(Boolean);
  const unknown = names.filter((n) => !(known as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) throw new Error(`unknown ${what} ${unknown.join(', ')}\n${USAGE}`);
  return names as T[];
}

type Sizes = Pick<BenchOptions, 'connect' | 'fanout' | 'burst' | 'fanout500' | 'idle' | 'sweep'>;

/** Knobs for exploring beyond the two presets; rooms/room-size/rate/duration set the `fanout` scenario. */
const OVERRIDES: { flag: string; apply: (sizes: Sizes, value: number) => void }[] = [
  { flag: 'connections', apply: (s, v) => void (s.connect.connections = Math.floor(v)) },
  { flag: 'rooms', apply: (s, v) => void (s.fanout.rooms = Math.floor(v)) },
  { flag: 'room-size', apply: (s, v) => void (s.fanout.roomSize = Math.max(2, Math.floor(v))) },
  { flag: 'rate', apply: (s, v) => void (s.fanout.rate = v) },
  { flag: 'duration', apply: (s, v) => void (s.fanout.durationSec = v) },
  { flag: 'idle-connections', apply: (s, v) => void (s.idle.connections = Math.floor(v)) },
];
