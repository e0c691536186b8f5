// Test support for the bus's Redis suites: RedisBus instances on their own connections under one
// test prefix, and one call that closes them all and removes the prefix's keys.
import { flushPrefix, testLogger, testRedis } from '@switchboard/testkit';
import type { Redis } from 'ioredis';
import { RedisBus, type RedisBusOptions } from '../redis-bus.ts';
import { ANY_COMMANDS, type AnyCommands } from './any-commands.ts';

export function testBuses(prefix: string, defaults: Partial<RedisBusOptions<AnyCommands>> = {}) {
  const admin = testRedis();
  const connections: Redis[] = [admin];
  const buses: RedisBus<AnyCommands>[] = [];
  let serial = 0;
  return {
    /** A connection for reading and arranging Redis directly. */
    admin,
    /** Another connection, quit with the rest. */
    track<C extends Redis>(connection: C): C {
      connections.push(connection);
      return connection;
    },
    /** A bus named `consumer-N` unless the overrides name it. */
    make(overrides: Partial<RedisBusOptions<AnyCommands>> = {}): RedisBus<AnyCommands> {
      const redis = testRedis();
      const subscriber = testRedis();
      connections.push(redis, subscriber);
      const bus = new RedisBus({
        commands: ANY_COMMANDS,
        redis,
        subscriber,
        prefix,
        consumer: `consumer-${++serial}`,
        log: testLogger('redis-bus'),
        ...defaults,
        ...overrides,
      });
      buses.push(bus);
      return bus;
    },
    async closeAll(): Promise<void> {
      await Promise.all(buses.map((b) => b.close()));
      await flushPrefix(admin, prefix);
      await Promise.all(connections.map((c) => c.quit().catch(() => undefined)));
    },
  };
}
