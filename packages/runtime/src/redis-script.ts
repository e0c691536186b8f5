import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script called by its SHA1, so Redis neither receives nor hashes its text on every call. */
export interface RedisScript {
  readonly sha: string;
  run(redis: Redis, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown>;
}

type ScriptMethod = (numberOfKeys: number, ...keysAndArgs: Array<string | number>) => Promise<unknown>;

/**
 * Through ioredis' `defineCommand`, for how it loads the script: the first call written to each
 * new socket is an EVAL (which loads it), every later one an EVALSHA. So a reconnect — Redis
 * restarted empty — never meets NOSCRIPT, and the connection's commands keep their order. Only a
 * `SCRIPT FLUSH` on a live connection gets a NOSCRIPT, which ioredis answers by resending the call
 * as EVAL (the script had not run: nothing runs twice). The method ioredis adds is untyped: this
 * is the one place that looks it up.
 */
export function redisScript(lua: string): RedisScript {
  const sha = createHash('sha1').update(lua).digest('hex');
  const name = `script_${sha}`;
  return {
    sha,
    run(redis, keys, args) {
      if (!(name in redis)) redis.defineCommand(name, { lua });
      const method = Reflect.get(redis, name) as ScriptMethod;
      return method.call(redis, keys.length, ...keys, ...args);
    },
  };
}
