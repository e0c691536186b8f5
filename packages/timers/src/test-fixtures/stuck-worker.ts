// A process whose timer handler claims a timer and never finishes: timer-worker.test.ts SIGKILLs
// it while it holds the row lock, to prove another worker fires the timer, once.
// Usage: node --import tsx stuck-worker.ts <databaseUrl> <kind>
import { createDb } from '@switchboard/db';
import { testLogger } from '@switchboard/testkit';
import { TimerWorker } from '../timer-worker.ts';

const [databaseUrl, kind] = process.argv.slice(2);
if (!databaseUrl || !kind) throw new Error('usage: stuck-worker.ts <databaseUrl> <kind>');

const worker = new TimerWorker({
  db: createDb(databaseUrl, { poolSize: 2 }),
  log: testLogger('stuck-worker'),
  pollMs: 50,
  handlers: {
    [kind]: async () => {
      process.stdout.write('holding\n');
      return new Promise(() => undefined);
    },
  },
});
worker.start();
process.stdout.write('ready\n');
