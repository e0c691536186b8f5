import type { ConnectOptions } from './load/connect-scenario.ts';
import type { FanoutOptions } from './load/fanout-scenario.ts';
import { SYSTEM_NAMES, type SystemName } from './load/system.ts';

export interface BenchOptions {
  mode: 'quick' | 'full';
  systems: SystemName[];
  connect: ConnectOptions;
  fanout: FanoutOptions;
  /** Small rooms at a high rate: where per-message costs (one insert each) start to queue. */
  burst: FanoutOptions;
  /** Where latest.json goes (relative to the repo root). */
  out: string;
  chart: boolean;
}

const SIZES = {
  quick: {
    connect: { connections: 300, concurrency: 50, settleMs: 1500 },
    fanout: { rooms: 10, roomSize: 10, rate: 100, durationSec: 8, drainMs: 10_000, concurrency: 50 },
    burst: { rooms: 100, roomSize: 3, rate: 600, durationSec: 6, drainMs: 15_000, concurrency: 50 },
  },
  full: {
    connect: { connections: 1500, concurrency: 100, settleMs: 3000 },
    fanout: { rooms: 50, roomSize: 20, rate: 300, durationSec: 30, drainMs: 20_000, concurrency: 100 },
    burst: { rooms: 200, roomSize: 3, rate: 1000, durationSec: 20, drainMs: 30_000, concurrency: 100 },
  },
} satisfies Record<BenchOptions['mode'], Pick<BenchOptions, 'connect' | 'fanout' | 'burst'>>;

export const USAGE = `usage: npm run bench -- [--quick] [--systems=switchboard,socketio-single,socketio-redis-naive] [--out=bench/results/latest.json] [--no-chart]\n       [--connections=N] [--rooms=N] [--room-size=N] [--rate=MSGS_PER_SEC] [--duration=SEC]`;

/** Parse `npm run bench -- …` arguments; throws with the usage line on anything unknown. */
export function parseOptions(argv: string[]): BenchOptions {
  let mode: BenchOptions['mode'] = 'full';
  let systems: SystemName[] = [...SYSTEM_NAMES];
  let out = 'bench/results/latest.json';
  let chart = true;
  const overrides: string[] = [];
  for (const arg of argv) {
    if (arg === '--quick') mode = 'quick';
    else if (arg === '--no-chart') chart = false;
    else if (arg.startsWith('--out=')) out = arg.slice('--out='.length);
    else if (OVERRIDES.some((o) => arg.startsWith(`--${o.flag}=`))) overrides.push(arg);
    else if (arg.startsWith('--systems=')) {
      const names = arg.slice('--systems='.length).split(',').filter(Boolean);
      const unknown = names.filter((n) => !(SYSTEM_NAMES as readonly string[]).includes(n));
      if (unknown.length > 0) throw new Error(`unknown system ${unknown.join(', ')}\n${USAGE}`);
      systems = names as SystemName[];
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  const sizes: Sizes = {
    connect: { ...SIZES[mode].connect },
    fanout: { ...SIZES[mode].fanout },
    burst: { ...SIZES[mode].burst },
  };
  for (const arg of overrides) {
    const [flag, raw] = arg.slice(2).split('=') as [string, string];
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${arg}: expected a positive number\n${USAGE}`);
    OVERRIDES.find((o) => o.flag === flag)!.apply(sizes, value);
  }
  return { mode, systems, out, chart, ...sizes };
}

type Sizes = Pick<BenchOptions, 'connect' | 'fanout' | 'burst'>;

/** Knobs for exploring beyond the two presets; rooms/room-size/rate/duration set the `fanout` scenario. */
const OVERRIDES: { flag: string; apply: (sizes: Sizes, value: number) => void }[] = [
  { flag: 'connections', apply: (s, v) => void (s.connect.connections = Math.floor(v)) },
  { flag: 'rooms', apply: (s, v) => void (s.fanout.rooms = Math.floor(v)) },
  { flag: 'room-size', apply: (s, v) => void (s.fanout.roomSize = Math.max(2, Math.floor(v))) },
  { flag: 'rate', apply: (s, v) => void (s.fanout.rate = v) },
  { flag: 'duration', apply: (s, v) => void (s.fanout.durationSec = v) },
];
