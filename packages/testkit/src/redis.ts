import crypto from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix of its own for each test file, so suites never hear each other or a running cluster. */
export function testPrefix(label = 'test'): string {
  return `sbtest:${label}:${crypto.randomBytes(4).toString('hex')}:`;
}

export function testRedis(): Redis {
  return new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
}

/** Delete every key under a prefix (end of a test file). */
export async function flushPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/**
 * From now on, the names of the commands `connection` sends (auto-pipelined ones included) whose
 * arguments mention `needle`: counts a code path's round trips without a server-wide MONITOR,
 * which other suites on the shared Redis would pollute.
 */
export function recordCommands(connection: Redis, needle: string): string[] {
  const seen: string[] = [];
  const send = connection.sendCommand.bind(connection);
  connection.sendCommand = (command, ...rest) => {
    if (command.args.some((arg) => String(arg).includes(needle))) seen.push(command.name);
    return send(command, ...rest);
  };
  return seen;
}
