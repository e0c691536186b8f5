import { redisScript } from '@switchboard/runtime';
import type { Redis } from 'ioredis';
import type { CountGuard } from './bus.ts';

// Count the hit (the counter expires a window after its first hit), then add only within the
// limit: one round trip, atomic, so N gateways sharing the counter admit exactly `limit` per
// window, and a refused command never reaches the stream.
const GUARDED_XADD = redisScript(`local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if count > tonumber(ARGV[1]) then return false end
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(ARGV, 4))`);

/** XADD of an encoded entry, capped at about `maxLength`; with a guard, only within its limit (false: refused, nothing added). */
export async function addEntry(
  redis: Redis,
  stream: string,
  fields: string[],
  maxLength: number,
  guard: CountGuard | undefined,
): Promise<boolean> {
  if (!guard) {
    await redis.xadd(stream, 'MAXLEN', '~', maxLength, '*', ...fields);
    return true;
  }
  const keys = [guard.key, stream];
  const added = await GUARDED_XADD.run(redis, keys, [guard.limit, guard.windowMs, maxLength, ...fields]);
  return added !== null;
}
