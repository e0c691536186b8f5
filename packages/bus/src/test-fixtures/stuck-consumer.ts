// A service process that takes a command and never finishes it: redis-bus.test.ts SIGKILLs it
// while it holds the entry, to prove another consumer reclaims the work.
// Usage: node --conditions=@switchboard/source --import tsx stuck-consumer.ts <prefix> <service> <claimIdleMs>
import { testLogger, testRedis } from '@switchboard/testkit';
import { RedisBus } from '../redis-bus.ts';
import { ANY_COMMANDS } from '../testing/any-commands.ts';

const [prefix, service, claimIdleMs] = process.argv.slice(2);
if (!prefix || !service || !claimIdleMs) throw new Error('usage: stuck-consumer.ts <prefix> <service> <claimIdleMs>');

const bus = new RedisBus({
  commands: ANY_COMMANDS,
  redis: testRedis(),
  subscriber: testRedis(),
  prefix,
  consumer: `doomed-${process.pid}`,
  log: testLogger('stuck-consumer'),
  claimIdleMs: Number(claimIdleMs),
});
await bus.handle(service, {
  'work:it': async () => {
    process.stdout.write('holding\n');
    await new Promise(() => undefined);
  },
});
process.stdout.write('ready\n');
