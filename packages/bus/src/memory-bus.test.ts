import { testLogger } from '@switchboard/testkit';
import { ANY_COMMANDS, busContract } from './bus.contract.ts';
import { MemoryBus } from './memory-bus.ts';

// One MemoryBus is one process's transport, so each test gets its own.
busContract(
  'MemoryBus',
  () => new MemoryBus({ timeoutMs: 10_000, log: testLogger('memory-bus'), commands: ANY_COMMANDS }),
);
