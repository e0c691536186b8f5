// A service process that takes commands and never finishes them: the bus tests SIGKILL it while it
// holds entries, to prove another consumer takes the work over.
// Usage: node --conditions=@switchboard/source --import tsx stuck-consumer.ts <prefix> <service> <leaseMs> [partitions]
import { testLogger, testRedis } from '@switchboard/testkit';
import { RedisBus } from '../redis-bus.ts';
import { ANY_COMMANDS } from '../testing/any-commands.ts';

const [prefix, service, leaseMs, partitions] = process.argv.slice(2);
if (!prefix || !service || !leaseMs)
  throw new Error('usage: stuck-consumer.ts <prefix> <service> <leaseMs> [partitions]');

const bus = new RedisBus({
  commands: ANY_COMMANDS,
  redis: testRedis(),
  subscriber: testRedis(),
  prefix,
  consumer: `doomed-${process.pid}`,
  log: testLogger('stuck-consumer'),
  claimIdleMs: Number(leaseMs),
  leaseMs: Number(leaseMs),
  ...(partitions ? { partitions: Number(partitions) } : {}),
});
await bus.handle(service, {
  'work:it': async () => {
    process.stdout.write('holding\n');
    await new Promise(() => undefined);
  },
});
process.stdout.write('ready\n');
