// A service process that dies (SIGKILL, by its own hand) whenever it runs a command whose payload
// says `poison`: the bus tests start it again and again to prove a command that kills every
// consumer is dead-lettered instead of taking the service down for ever.
// Usage: node --conditions=@switchboard/source --import tsx poison-consumer.ts <prefix> <service> <leaseMs> <partitions>
import { testLogger, testRedis } from '@switchboard/testkit';
import { RedisBus } from '../redis-bus.ts';
import { ANY_COMMANDS } from '../testing/any-commands.ts';

const [prefix, service, leaseMs, partitions] = process.argv.slice(2);
if (!prefix || !service || !leaseMs || !partitions) {
  throw new Error('usage: poison-consumer.ts <prefix> <service> <leaseMs> <partitions>');
}

const bus = new RedisBus({
  commands: ANY_COMMANDS,
  redis: testRedis(),
  subscriber: testRedis(),
  prefix,
  consumer: `poisoned-${process.pid}`,
  log: testLogger('poison-consumer'),
  claimIdleMs: Number(leaseMs),
  leaseMs: Number(leaseMs),
  partitions: Number(partitions),
});
await bus.handle(service, {
  'work:it': async (payload) => {
    if ((payload as { poison?: unknown }).poison === true) {
      process.stdout.write('dying\n');
      process.kill(process.pid, 'SIGKILL');
    }
    return {};
  },
});
process.stdout.write('ready\n');
