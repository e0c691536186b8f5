import type { CommandRegistry, ServiceName } from '@switchboard/protocol';
import type { Bus, ServiceHandlers } from './bus.ts';

/** Stand-ins for some commands of some services; the rest are answered "not available". */
export type StandIns = { [S in ServiceName]?: Partial<ServiceHandlers<S>> };

/**
 * For tests of one service that needs a few commands of another: register partial handler
 * maps. Partial on purpose, which is why this bypasses `handle`'s completeness check.
 */
export async function handleStandIns(bus: Bus, standIns: StandIns): Promise<void> {
  for (const [service, handlers] of Object.entries(standIns) as [ServiceName, object][]) {
    await bus.handle(service, handlers as ServiceHandlers<typeof service>);
  }
}

/**
 * For tests that send what the types forbid (hostile payloads, made-up commands, loosely typed
 * helpers): the same bus, seen through an untyped registry. The handling side still validates.
 */
export function untypedBus(bus: Bus): Bus<CommandRegistry> {
  return bus as unknown as Bus<CommandRegistry>;
}
