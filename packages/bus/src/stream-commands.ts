import { redisScript } from '@switchboard/runtime';
import type { Redis } from 'ioredis';

/**
 * Typed wrappers over the stream commands ioredis leaves untyped (`call` returns unknown): each
 * reply is checked for its shape here, so the consumer loop only sees plain values.
 */
export interface RawEntry {
  streamId: string;
  /** Flat field/value list; null when the entry was deleted while still pending. */
  fields: string[] | null;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function parseEntries(list: unknown): RawEntry[] {
  if (!Array.isArray(list)) return [];
  const entries: RawEntry[] = [];
  for (const item of list) {
    if (!Array.isArray(item) || typeof item[0] !== 'string') continue;
    entries.push({ streamId: item[0], fields: isStringArray(item[1]) ? item[1] : null });
  }
  return entries;
}

/** Create the service's consumer group from the stream's start, so commands sent before any consumer existed are delivered. */
export async function ensureGroup(redis: Redis, stream: string, group: string): Promise<void> {
  try {
    await redis.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM');
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
  }
}

/**
 * XREADGROUP on one stream. `from` is '>' for new entries (blocking up to `blockMs`), or an id
 * to re-read this consumer's own pending entries after it (no blocking).
 */
export async function readGroup(
  redis: Redis,
  stream: string,
  group: string,
  consumer: string,
  count: number,
  from: string,
  blockMs: number,
): Promise<RawEntry[]> {
  const read = await readStreams(redis, [stream], group, consumer, count, from, blockMs);
  return read[0]?.entries ?? [];
}

/** XREADGROUP over several streams (all from `from`): the entries of each, in stream order. */
export async function readStreams(
  redis: Redis,
  streams: string[],
  group: string,
  consumer: string,
  count: number,
  from: string,
  blockMs: number,
): Promise<{ stream: string; entries: RawEntry[] }[]> {
  const block = from === '>' ? ['BLOCK', blockMs] : [];
  const reply = await redis.call(
    'XREADGROUP',
    'GROUP',
    group,
    consumer,
    'COUNT',
    count,
    ...block,
    'STREAMS',
    ...streams,
    ...streams.map(() => from),
  );
  if (!Array.isArray(reply)) return [];
  const read: { stream: string; entries: RawEntry[] }[] = [];
  for (const item of reply) {
    if (Array.isArray(item) && typeof item[0] === 'string')
      read.push({ stream: item[0], entries: parseEntries(item[1]) });
  }
  return read;
}

/** XAUTOCLAIM: take over entries idle longer than `minIdleMs` (their consumer is presumed dead). */
export async function autoClaim(
  redis: Redis,
  stream: string,
  group: string,
  consumer: string,
  minIdleMs: number,
  cursor: string,
  count: number,
): Promise<{ next: string; entries: RawEntry[] }> {
  const reply = await redis.call('XAUTOCLAIM', stream, group, consumer, minIdleMs, cursor, 'COUNT', count);
  if (!Array.isArray(reply) || typeof reply[0] !== 'string') return { next: '0-0', entries: [] };
  return { next: reply[0], entries: parseEntries(reply[1]) };
}

/**
 * How often each of these pending entries of `consumer` has been delivered (XPENDING's counter:
 * the first read and every XAUTOCLAIM count; the JUSTID touches of `touchEntries` do not). One
 * call for a batch claimed in stream order: from its first id to its last.
 */
export async function deliveryCounts(
  redis: Redis,
  stream: string,
  group: string,
  consumer: string,
  ids: string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (ids.length === 0) return counts;
  const reply = await redis.call('XPENDING', stream, group, ids[0]!, ids.at(-1)!, ids.length, consumer);
  if (!Array.isArray(reply)) return counts;
  for (const row of reply) {
    if (Array.isArray(row) && typeof row[0] === 'string') counts.set(row[0], Number(row[3]));
  }
  return counts;
}

/** Keep a command given up on: its fields as read, why, and where it came from (capped, oldest trimmed). */
export async function addDeadLetter(
  redis: Redis,
  key: string,
  fields: Record<string, string>,
  maxLength = 10_000,
): Promise<void> {
  await redis.xadd(key, 'MAXLEN', '~', maxLength, '*', ...Object.entries(fields).flat());
}

/** Reset the idle time of entries this consumer is still working on, so nobody reclaims them. */
export async function touchEntries(
  redis: Redis,
  stream: string,
  group: string,
  consumer: string,
  ids: string[],
): Promise<void> {
  if (ids.length === 0) return;
  await redis.call('XCLAIM', stream, group, consumer, 0, ...ids, 'JUSTID');
}

// Take a command's done key to run it: free (or held by a consumer that lost the partition to us)
// → ours, run it; a stored reply → answer with it; ours already → a duplicate still running.
// One round trip, so handlers start in the order their entries were dispatched.
const TAKE_DONE = redisScript(`local v = redis.call('get', KEYS[1])
if v == false or (string.sub(v, 1, 8) == 'running:' and v ~= ARGV[1]) then
  redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return false end
return v`);

/** `run` when this consumer now holds the command; else the stored reply JSON or the running marker. */
export async function takeDoneKey(
  redis: Redis,
  key: string,
  runningMarker: string,
  ttlMs: number,
): Promise<{ run: true } | { run: false; stored: string }> {
  const stored = await TAKE_DONE.run(redis, [key], [runningMarker, ttlMs]);
  return typeof stored === 'string' ? { run: false, stored } : { run: true };
}

function fieldMap(flat: unknown): Map<string, unknown> {
  const map = new Map<string, unknown>();
  if (!Array.isArray(flat)) return map;
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(String(flat[i]), flat[i + 1]);
  return map;
}

/**
 * Commands accepted but not finished: the group's `lag` (never delivered) plus `pending`
 * (delivered, not yet acked). Without a group, every entry is waiting. When Redis cannot
 * compute `lag` (entries deleted or trimmed past the group), XLEN is the upper bound used.
 */
export async function groupDepth(redis: Redis, stream: string, group: string): Promise<number> {
  let groups: unknown;
  try {
    groups = await redis.call('XINFO', 'GROUPS', stream);
  } catch (error) {
    if (error instanceof Error && /no such key/i.test(error.message)) return 0;
    throw error;
  }
  const info = Array.isArray(groups) ? groups.map(fieldMap).find((g) => g.get('name') === group) : undefined;
  if (!info) return redis.xlen(stream);
  const pending = Number(info.get('pending') ?? 0);
  const lag = info.get('lag');
  if (typeof lag === 'number') return lag + pending;
  return Math.max(await redis.xlen(stream), pending);
}

/**
 * Remove consumers that hold nothing and have not been seen for `idleMs`: every process restart
 * joins under a new name, and the group would otherwise list them forever. A live consumer that
 * was removed is recreated by its next XREADGROUP.
 */
export async function pruneIdleConsumers(redis: Redis, stream: string, group: string, idleMs: number): Promise<number> {
  const reply = await redis.call('XINFO', 'CONSUMERS', stream, group);
  if (!Array.isArray(reply)) return 0;
  let pruned = 0;
  for (const info of reply.map(fieldMap)) {
    const name = info.get('name');
    if (typeof name !== 'string' || Number(info.get('pending')) !== 0 || Number(info.get('idle')) < idleMs) continue;
    // Safe without a transaction: only the consumer itself reads as it, and it is gone.
    await redis.call('XGROUP', 'DELCONSUMER', stream, group, name);
    pruned += 1;
  }
  return pruned;
}
