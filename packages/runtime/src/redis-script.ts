import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script called by its SHA1, so Redis neither receives nor hashes its text on every call. */
export interface RedisScript {
  readonly sha: string;
  /** EVALSHA; on NOSCRIPT (the cache was flushed, or Redis restarted empty) EVAL, which loads it. */
  run(redis: Redis, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown>;
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * Why not ioredis' `defineCommand`: it adds untyped methods to a shared connection. This is the
 * same protocol (EVALSHA, EVAL on NOSCRIPT), typed. A NOSCRIPT answer means the script did not
 * run, so the EVAL is not a second run; it goes out on the same connection as every command
 * issued in the same tick, after the ones already written.
 */
export function redisScript(lua: string): RedisScript {
  const sha = createHash('sha1').update(lua).digest('hex');
  return {
    sha,
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!isNoScript(error)) throw error;
        return redis.eval(lua, keys.length, ...keys, ...args);
      }
    },
  };
}
