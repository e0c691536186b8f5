import { performance } from 'node:perf_hooks';

/** One hop of one sampled message: wall-clock ms, comparable across the processes of one machine. */
export interface HopMark {
  key: string;
  hop: string;
  at: number;
}

/**
 * A sampled trace of messages through every hop (HOP_TRACE_EVERY, off by default). Which
 * messages are sampled is decided from the message's key (its `clientMessageId`) by a hash every
 * process computes alike, so no flag has to travel with the message and clients never see one.
 * Marks go to a bounded ring served at `GET /debug/hops`; the benchmark joins them by key.
 * Off, `sampled` is one comparison, and nothing else runs.
 */
export interface HopTrace {
  readonly enabled: boolean;
  sampled(key: string | undefined): key is string;
  /** `at`: wall-clock ms (default now); see `wallClockMs`. */
  mark(key: string, hop: string, at?: number): void;
  /** The ring's marks, oldest first. */
  marks(): HopMark[];
}

/** performance.timeOrigin + performance.now(): sub-millisecond, and the same clock in every process. */
export function wallClockMs(perfNow = performance.now()): number {
  return performance.timeOrigin + perfNow;
}

/** FNV-1a (32 bit): cheap, and the same in every process. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Whether a key is sampled at 1 in `every` (0: never). Exported for the benchmark and tests. */
export function isSampled(key: string, every: number): boolean {
  return every > 0 && hash(key) % every === 0;
}

export function createHopTrace(every: number, capacity = 20_000): HopTrace {
  const ring: (HopMark | undefined)[] = [];
  let next = 0;
  return {
    enabled: every > 0,
    sampled: (key): key is string => every > 0 && typeof key === 'string' && isSampled(key, every),
    mark(key, hop, at = wallClockMs()) {
      if (every <= 0) return;
      ring[next] = { key, hop, at };
      next = (next + 1) % capacity;
    },
    marks: () => [...ring.slice(next), ...ring.slice(0, next)].filter((m): m is HopMark => m !== undefined),
  };
}
