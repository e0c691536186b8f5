import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.ts';

export { Redis } from 'ioredis';

/** A connection that logs its state changes once instead of throwing unhandled errors. */
export function createRedis(url: string, log: Logger, name: string, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableAutoPipelining: true,
    ...options,
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) log.warn({ err: error.message, connection: name }, 'redis connection error');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info({ connection: name }, 'redis connection restored');
    down = false;
  });
  return redis;
}

/** Socket.IO adapter / emitter channel key, under the cluster's prefix. */
export function socketIoKey(prefix: string): string {
  return `${prefix}socket.io`;
}
