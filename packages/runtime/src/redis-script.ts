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
 *
 * The command is defined on a connection at its first call, and an auto-pipelining connection
 * copies its commands into each pipeline when it creates it: the pipeline of the current tick
 * (created by any command sent before this first call) has no such method, and calling it there
 * failed the call and crashed the process in ioredis' pipeline callback. Until that pipeline has
 * gone — it is flushed on the `setImmediate` it scheduled, before ours — calls are plain EVALs,
 * which every pipeline has, so the connection's order holds.
 */
export function redisScript(lua: string): RedisScript {
  const sha = createHash('sha1').update(lua).digest('hex');
  const name = `script_${sha}`;
  const defining = new WeakSet<Redis>();
  const ready = new WeakSet<Redis>();
  return {
    sha,
    run(redis, keys, args) {
      if (ready.has(redis)) {
        const method = Reflect.get(redis, name) as ScriptMethod;
        return method.call(redis, keys.length, ...keys, ...args);
      }
      if (!defining.has(redis)) {
        defining.add(redis);
        if (!(name in redis)) redis.defineCommand(name, { lua });
        setImmediate(() => ready.add(redis));
      }
      return redis.eval(lua, keys.length, ...keys, ...args);
    },
  };
}
